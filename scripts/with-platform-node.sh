#!/usr/bin/env bash
# Runs a command with the platform's Node.js (scripts/platform-node.sh) first in PATH, and its
# path in PLATFORM_NODE, so that the command and every `node` it starts run on it:
#
#   scripts/with-platform-node.sh node -r @swc-node/register bench/platform/platform.bench.ts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/platform-node-path.sh
source "$ROOT/scripts/lib/platform-node-path.sh"
use_platform_node
exec "$@"
