# Sourced by scripts that start the apps (start.sh, with-platform-node.sh), with ROOT set.
# use_platform_node puts the platform's Node.js (scripts/platform-node.sh) first in PATH and its
# path in PLATFORM_NODE, so that every `node` started from then on, and the test harness's
# apps, run on it.
use_platform_node() {
  PLATFORM_NODE="$(bash "$ROOT/scripts/platform-node.sh")" || return 1
  export PLATFORM_NODE
  # Only when another node comes first: putting /usr/bin in front would also move it before
  # node_modules/.bin, which npm run puts there.
  [[ "$(node -p process.execPath)" == "$PLATFORM_NODE" ]] && return 0
  PATH="$(dirname "$PLATFORM_NODE"):$PATH"
  export PATH
  if [[ "$(node -p process.execPath)" != "$PLATFORM_NODE" ]]; then
    echo "[node] PLATFORM_NODE=$PLATFORM_NODE must be named node: scripts start \`node\` from PATH" >&2
    return 1
  fi
}
