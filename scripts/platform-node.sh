#!/usr/bin/env bash
# Prints the Node.js binary the platform's apps run on: the major in .nvmrc, which is the
# production image's (the Dockerfile's FROM; a unit spec keeps the two equal), so that npm start,
# the benchmarks and the test harness run what ships. When this machine's node is another
# major, scripts/node-runtime.sh fetches that one from the npm registry into .cache/node, once.
#
#   PLATFORM_NODE=system    this machine's node instead
#   PLATFORM_NODE=<binary>  that binary
#
# When the major cannot be had (no registry and nothing cached, an OS without a package), this
# machine's node is used, with a line saying so: starting on another Node beats not starting.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "${PLATFORM_NODE:-}" in
  "") ;;
  system)
    node -p process.execPath
    exit 0
    ;;
  *)
    [[ -x $PLATFORM_NODE ]] ||
      { echo "[node] PLATFORM_NODE=$PLATFORM_NODE is not an executable; name a Node.js binary, or 'system'" >&2; exit 1; }
    printf '%s\n' "$PLATFORM_NODE"
    exit 0
    ;;
esac

major="$(tr -d '[:space:]v' <"$ROOT/.nvmrc")"
if ! bash "$ROOT/scripts/node-runtime.sh" "$major"; then
  echo "[node] Node.js $major is not available here; the apps run on this machine's $(node -v)" >&2
  node -p process.execPath
fi
