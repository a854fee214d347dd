#!/usr/bin/env bash
# Prints the Node.js binary the platform's apps run on: the major in .nvmrc, which is the
# production image's (the Dockerfile's FROM; a unit spec keeps the two equal), so that npm start,
# the benchmarks and the test harness run what ships. When this machine's node is another
# major, scripts/node-runtime.sh fetches that one from the npm registry into .cache/node, once;
# later runs take the newest one cached (delete .cache/node to pick up a newer release).
#
#   PLATFORM_NODE=system    this machine's node instead
#   PLATFORM_NODE=<binary>  that binary (named node: scripts start `node` from PATH)
#
# When the major cannot be had (no registry and nothing cached, an OS without a package), this
# machine's node is used: starting on another Node beats not starting. Either way a line says
# so when the apps will not run on .nvmrc's major.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
major="$(tr -d '[:space:]v' <"$ROOT/.nvmrc")"

# Absolute and without links, as process.execPath says it: it goes into PATH and is compared.
checked_binary() {
  if [[ -f $1 && -x $1 ]] && "$1" -e 'process.exit(0)' 2>/dev/null; then
    realpath "$1"
  else
    echo "[node] PLATFORM_NODE=$1 is not a Node.js binary that runs here; name one, or 'system'" >&2
    return 1
  fi
}

# A binary someone chose may be any major: say so when it is not the image's.
warn_unless_image_major() {
  if [[ "$("$1" -p 'process.versions.node.split(".")[0]')" != "$major" ]]; then
    echo "[node] the apps run on Node.js $("$1" -v); the production image runs $major (.nvmrc)" >&2
  fi
}

case "${PLATFORM_NODE:-}" in
  "")
    # node-runtime.sh prints a binary of that major, or fails.
    if ! binary="$(bash "$ROOT/scripts/node-runtime.sh" --cached "$major")"; then
      echo "[node] Node.js $major is not available here; this machine's $(node -v) runs the apps" >&2
      binary="$(node -p process.execPath)"
    fi
    ;;
  system)
    binary="$(node -p process.execPath)"
    warn_unless_image_major "$binary"
    ;;
  *)
    binary="$(checked_binary "$PLATFORM_NODE")"
    warn_unless_image_major "$binary"
    ;;
esac
printf '%s\n' "$binary"
