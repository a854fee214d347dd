#!/usr/bin/env bash
# Runs a command with the platform's Node.js (scripts/platform-node.sh) first in PATH, and its
# path in PLATFORM_NODE, so that the command and every `node` it starts run on it:
#
#   scripts/with-platform-node.sh node -r @swc-node/register bench/platform/platform.bench.ts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLATFORM_NODE="$(bash "$ROOT/scripts/platform-node.sh")"
export PLATFORM_NODE
# Only in front of PATH when it is not this machine's own: putting /usr/bin first would move
# it before node_modules/.bin, which npm run puts there.
[[ $PLATFORM_NODE == "$(node -p process.execPath)" ]] || export PATH="$(dirname "$PLATFORM_NODE"):$PATH"
exec "$@"
