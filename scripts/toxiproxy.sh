#!/usr/bin/env bash
# Toxiproxy (Shopify's TCP fault proxy) for the chaos suite (test/chaos, `npm run test:chaos`).
#
#   scripts/toxiproxy.sh up      make sure a Toxiproxy answers at TOXIPROXY_URL: builds
#                                Toxiproxy v2.5.0 into .cache/toxiproxy once (seconds) and
#                                starts it there when nothing answers
#   scripts/toxiproxy.sh down    stop Toxiproxy if (and only if) this script started it
#   scripts/toxiproxy.sh status  one line; exit 1 if no Toxiproxy answers
#
# Environment (defaults in brackets):
#   TOXIPROXY_URL            [http://127.0.0.1:8474]  its API; the proxies it serves listen on
#                            127.0.0.1 ports the tests choose
#   TOXIPROXY_START_TIMEOUT  [15]  seconds to wait for a started Toxiproxy to answer
#
# `up` is idempotent and serialized with flock, so concurrent runs never start two. All output
# goes to stderr, prefixed with [toxiproxy]; `up` says "started" only when it started one.
set -euo pipefail

readonly TOXIPROXY_VERSION=v2.5.0
readonly TOXIPROXY_MODULE=github.com/Shopify/toxiproxy/v2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CACHE_DIR="$ROOT/.cache/toxiproxy"
readonly BIN="$CACHE_DIR/bin/toxiproxy-server-$TOXIPROXY_VERSION"
readonly RUN_DIR="$CACHE_DIR/run"
readonly PID_FILE="$RUN_DIR/toxiproxy.pid"
readonly LOG_FILE="$RUN_DIR/toxiproxy.log"
readonly BUILD_LOG="$CACHE_DIR/build.log"
readonly LOCK_FILE="$CACHE_DIR/toxiproxy.lock"

TOXIPROXY_URL="${TOXIPROXY_URL:-http://127.0.0.1:8474}"
TOXIPROXY_START_TIMEOUT="${TOXIPROXY_START_TIMEOUT:-15}"

readonly LOG_TAG=toxiproxy
# shellcheck source=lib/background-server.sh
source "$ROOT/scripts/lib/background-server.sh"

API_HOST=""
API_PORT=""

# Only a loopback API is started here: the proxies it serves forward to our databases.
parse_url() {
  [[ $TOXIPROXY_URL =~ ^http://(127\.0\.0\.1|localhost):([0-9]+)/?$ ]] \
    || die "TOXIPROXY_URL must look like http://127.0.0.1:<port>, not $TOXIPROXY_URL."
  API_HOST=127.0.0.1
  API_PORT=${BASH_REMATCH[2]}
  ((API_PORT > 0 && API_PORT < 65536)) || die "TOXIPROXY_URL has an invalid port: $TOXIPROXY_URL."
}

tcp_open() {
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$API_HOST" "$API_PORT" 2>/dev/null
}

# A Toxiproxy answers its version and lists its proxies as a JSON object.
toxiproxy_answers() {
  curl -fsS --max-time 2 "http://$API_HOST:$API_PORT/version" >/dev/null 2>&1 \
    && [[ "$(curl -fsS --max-time 2 "http://$API_HOST:$API_PORT/proxies" 2>/dev/null)" == \{* ]]
}

build_toxiproxy() {
  [[ -x $BIN ]] && return 0
  find_go "install Go >= 1.22 (the chaos suite builds Toxiproxy $TOXIPROXY_VERSION with it) or start a Toxiproxy yourself and point TOXIPROXY_URL at it."
  local started=$SECONDS gobin="$CACHE_DIR/gobin.tmp"
  log "building Toxiproxy $TOXIPROXY_VERSION (first time only, seconds)..."
  rm -rf "$gobin"
  mkdir -p "$gobin" "$(dirname "$BIN")"
  # From / with GOWORK=off: no go.mod or go.work of a caller's directory takes part. The
  # version is stamped as the release build does, so GET /version says which one runs.
  if ! (cd / && GOWORK=off GOBIN="$gobin" "$GO" install \
        -ldflags "-X $TOXIPROXY_MODULE.Version=${TOXIPROXY_VERSION#v}" \
        "$TOXIPROXY_MODULE/cmd/server@$TOXIPROXY_VERSION") >"$BUILD_LOG" 2>&1; then
    tail -n 30 "$BUILD_LOG" | sed 's/^/[toxiproxy]   /' >&2
    die "Building Toxiproxy $TOXIPROXY_VERSION failed (full log: $BUILD_LOG)."
  fi
  mv "$gobin/server" "$BIN"
  rm -rf "$gobin"
  log "built $BIN in $((SECONDS - started)) s"
}

# Pid of the Toxiproxy this script started, if it still runs.
readonly BIN_PREFIX="$CACHE_DIR/bin/toxiproxy-server-"
our_pid() { pid_from_file "$PID_FILE" "$BIN_PREFIX"; }

start_toxiproxy() {
  local pid
  mkdir -p "$RUN_DIR"
  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  # info: proxies and toxics added or removed and clients connecting; debug would add a line
  # for every API request.
  start_detached "$PID_FILE" "$LOG_FILE" env LOG_LEVEL=info "$BIN" -host "$API_HOST" -port "$API_PORT"
  await_answer "$PID_FILE" "$LOG_FILE" "$TOXIPROXY_START_TIMEOUT" Toxiproxy "$TOXIPROXY_URL" toxiproxy_answers
  pid="$(<"$PID_FILE")"
  log "started Toxiproxy $TOXIPROXY_VERSION (pid $pid) at $TOXIPROXY_URL, log $LOG_FILE"
}

cmd_up() {
  local pid
  command -v curl >/dev/null || die "curl not found: install curl (scripts/toxiproxy.sh asks Toxiproxy's API with it)."
  take_lock "$LOCK_FILE" 120 scripts/toxiproxy.sh
  if toxiproxy_answers; then
    if pid="$(our_pid)"; then log "ok (pid $pid, at $TOXIPROXY_URL)"; else log "ok ($TOXIPROXY_URL)"; fi
    return 0
  fi
  tcp_open && die "Something listens at $API_HOST:$API_PORT but is not Toxiproxy: stop it or set TOXIPROXY_URL=http://127.0.0.1:<a free port>."
  if pid="$(our_pid)"; then
    die "The Toxiproxy this script started (pid $pid) does not answer at $TOXIPROXY_URL: run scripts/toxiproxy.sh down, then up."
  fi
  build_toxiproxy
  start_toxiproxy
}

cmd_down() {
  take_lock "$LOCK_FILE" 120 scripts/toxiproxy.sh
  stop_our_server "$PID_FILE" "$BIN_PREFIX" 10 Toxiproxy
}

cmd_status() {
  report_status "$PID_FILE" "$BIN_PREFIX" "$TOXIPROXY_URL" toxiproxy_answers
}

parse_url
case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: scripts/toxiproxy.sh up|down|status" ;;
esac
