#!/usr/bin/env bash
# Jaeger, the local tracing backend (docs/tracing.md): `npm start` and the tracing suite send
# their spans to it over OTLP.
#
#   scripts/jaeger.sh up      make sure a Jaeger answers at the ports below: builds Jaeger
#                             v1.75.0 from the Go module proxy into .cache/jaeger once (about
#                             4 minutes cold) and starts it there, in-memory, when nothing answers
#   scripts/jaeger.sh down    stop the Jaeger at these ports if (and only if) this script started it
#   scripts/jaeger.sh status  one line; exit 1 if no Jaeger answers
#   scripts/jaeger.sh build   only build (what CI's first `npm test` does in its global setup)
#
# Environment (defaults in brackets):
#   JAEGER_OTLP_PORT        [4318]   OTLP/HTTP receiver: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
#   JAEGER_QUERY_PORT       [16686]  query API (/api/services, /api/traces?service=...) and web UI
#   JAEGER_QUERY_GRPC_PORT  [16685]  query gRPC API
#   JAEGER_UI_ASSETS        []       a directory of built jaeger-ui assets (see below)
#   JAEGER_MAX_TRACES       [100000] traces kept in memory; the oldest go first
#   JAEGER_START_TIMEOUT    [30]     seconds to wait for a started Jaeger to answer
#
# Every port is bound on 127.0.0.1 only. Several Jaegers can run side by side on other ports
# (the tracing suite starts one on free ports): each has its own pid, log and config under
# .cache/jaeger/run/<query port>/.
#
# The binary built from the module proxy serves a placeholder page at / instead of Jaeger's web
# UI: the UI is built separately from the jaeger-ui sources. The query API works either way. Set
# JAEGER_UI_ASSETS to a built jaeger-ui (its `packages/jaeger-ui/build`) to get the UI, or use
# the official image through docker-compose.yml, which includes it.
#
# `up` is idempotent and serialized with flock, so concurrent runs never start two. All output
# goes to stderr, prefixed with [jaeger]; `up` says "started Jaeger" only when it started one.
set -euo pipefail

readonly JAEGER_VERSION=v1.75.0
readonly JAEGER_PACKAGE=github.com/jaegertracing/jaeger/cmd/jaeger

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CACHE_DIR="$ROOT/.cache/jaeger"
readonly BIN="$CACHE_DIR/bin/jaeger-$JAEGER_VERSION"
readonly BUILD_DIR="$CACHE_DIR/module"
readonly BUILD_LOG="$CACHE_DIR/build.log"
readonly LOCK_FILE="$CACHE_DIR/jaeger.lock"

JAEGER_OTLP_PORT="${JAEGER_OTLP_PORT:-4318}"
JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
JAEGER_UI_ASSETS="${JAEGER_UI_ASSETS:-}"
JAEGER_MAX_TRACES="${JAEGER_MAX_TRACES:-100000}"
JAEGER_START_TIMEOUT="${JAEGER_START_TIMEOUT:-30}"

readonly LOG_TAG=jaeger
# shellcheck source=lib/background-server.sh
source "$ROOT/scripts/lib/background-server.sh"

for port_variable in JAEGER_OTLP_PORT JAEGER_QUERY_PORT JAEGER_QUERY_GRPC_PORT; do
  [[ ${!port_variable} =~ ^[0-9]+$ ]] && ((${!port_variable} > 0 && ${!port_variable} < 65536)) \
    || die "$port_variable must be a port number, not '${!port_variable}'."
done
[[ $JAEGER_MAX_TRACES =~ ^[1-9][0-9]*$ ]] || die "JAEGER_MAX_TRACES must be a positive number, not '$JAEGER_MAX_TRACES'."

readonly RUN_DIR="$CACHE_DIR/run/$JAEGER_QUERY_PORT"
readonly PID_FILE="$RUN_DIR/jaeger.pid"
readonly LOG_FILE="$RUN_DIR/jaeger.log"
readonly CONFIG_FILE="$RUN_DIR/config.yaml"
readonly QUERY_URL="http://127.0.0.1:$JAEGER_QUERY_PORT"

tcp_open() { # port
  # shellcheck disable=SC2016 # $0 expands in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# A Jaeger lists the services it knows as JSON ({"data": [...]}), and its OTLP port is open.
jaeger_answers() {
  [[ "$(curl -fsS --max-time 2 "$QUERY_URL/api/services" 2>/dev/null)" == \{*\"data\"* ]] \
    && tcp_open "$JAEGER_OTLP_PORT"
}

build_jaeger() {
  [[ -x $BIN ]] && return 0
  find_go "install Go >= 1.24 (tracing builds Jaeger $JAEGER_VERSION with it), point OTEL_EXPORTER_OTLP_ENDPOINT at another OTLP backend, or set OTEL_SDK_DISABLED=true."
  local started=$SECONDS
  log "building Jaeger $JAEGER_VERSION from the Go module proxy (first time only, about 4 minutes; log: $BUILD_LOG)..."
  mkdir -p "$(dirname "$BIN")"
  rm -rf "$BUILD_DIR"
  mkdir -p "$BUILD_DIR"
  # A module of its own with Jaeger as a tool dependency: go.sum pins every module it builds
  # from, and no go.mod or go.work of a caller's directory takes part.
  if ! (cd "$BUILD_DIR" && export GOWORK=off GOFLAGS=-buildvcs=false \
        && "$GO" mod init shop.local/jaeger-build \
        && "$GO" get -tool "$JAEGER_PACKAGE@$JAEGER_VERSION" \
        && "$GO" build -o "$BIN.tmp" "$JAEGER_PACKAGE") >"$BUILD_LOG" 2>&1; then
    rm -f "$BIN.tmp"
    tail -n 30 "$BUILD_LOG" | sed 's/^/[jaeger]   /' >&2
    die "Building Jaeger $JAEGER_VERSION failed (full log: $BUILD_LOG)."
  fi
  mv "$BIN.tmp" "$BIN"
  log "built $BIN in $((SECONDS - started)) s"
}

# OTLP/HTTP in, memory storage, the query API out; nothing else (no Jaeger, Zipkin or gRPC
# receivers, no sampling or metrics endpoints), and every listener on loopback.
write_config() {
  local ui=""
  if [[ -n $JAEGER_UI_ASSETS ]]; then
    [[ -f $JAEGER_UI_ASSETS/index.html ]] \
      || die "JAEGER_UI_ASSETS must be a directory of built jaeger-ui assets with an index.html: $JAEGER_UI_ASSETS"
    ui="
    ui:
      assets_path: \"$JAEGER_UI_ASSETS\""
  fi
  cat >"$CONFIG_FILE" <<YAML
# Written by scripts/jaeger.sh; rewritten at every start.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info

extensions:
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: $JAEGER_MAX_TRACES
  jaeger_query:
    storage:
      traces: memory_store
    # On by default in the extension: it would export the query service's own spans to
    # localhost:4317, where nothing listens, and wait for them on shutdown.
    enable_tracing: false
    http:
      endpoint: 127.0.0.1:$JAEGER_QUERY_PORT
    grpc:
      endpoint: 127.0.0.1:$JAEGER_QUERY_GRPC_PORT$ui

receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$JAEGER_OTLP_PORT

processors:
  batch:

exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
YAML
}

readonly BIN_PREFIX="$CACHE_DIR/bin/jaeger-"
our_pid() { pid_from_file "$PID_FILE" "$BIN_PREFIX"; }

start_jaeger() {
  local pid
  mkdir -p "$RUN_DIR"
  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  write_config
  # Jaeger is an OpenTelemetry collector and would take the apps' OTEL_* variables (npm start
  # exports OTEL_EXPORTER_OTLP_ENDPOINT) as its own: it would send its own spans to itself and
  # wait for them on shutdown. It gets none of them.
  local otel_variables=() variable
  for variable in $(compgen -e); do
    if [[ $variable == OTEL_* ]]; then otel_variables+=(-u "$variable"); fi
  done
  start_detached "$PID_FILE" "$LOG_FILE" env "${otel_variables[@]}" "$BIN" --config "$CONFIG_FILE"
  await_answer "$PID_FILE" "$LOG_FILE" "$JAEGER_START_TIMEOUT" Jaeger "$QUERY_URL" jaeger_answers
  pid="$(<"$PID_FILE")"
  log "started Jaeger $JAEGER_VERSION (pid $pid): OTLP http://127.0.0.1:$JAEGER_OTLP_PORT, traces $QUERY_URL, log $LOG_FILE"
}

cmd_up() {
  local pid port
  command -v curl >/dev/null || die "curl not found: install curl (scripts/jaeger.sh asks Jaeger's query API with it)."
  take_lock "$LOCK_FILE" 600 scripts/jaeger.sh
  if jaeger_answers; then
    if pid="$(our_pid)"; then log "ok (pid $pid, traces $QUERY_URL)"; else log "ok (traces $QUERY_URL)"; fi
    return 0
  fi
  if pid="$(our_pid)"; then
    die "The Jaeger this script started (pid $pid) does not answer at $QUERY_URL: run scripts/jaeger.sh down, then up."
  fi
  for port in "$JAEGER_OTLP_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT"; do
    tcp_open "$port" \
      && die "Something that is not this script's Jaeger listens on 127.0.0.1:$port: stop it or choose other ports (JAEGER_OTLP_PORT, JAEGER_QUERY_PORT, JAEGER_QUERY_GRPC_PORT)."
  done
  build_jaeger
  start_jaeger
}

cmd_down() {
  take_lock "$LOCK_FILE" 600 scripts/jaeger.sh
  stop_our_server "$PID_FILE" "$BIN_PREFIX" 10 "Jaeger at $QUERY_URL"
}

cmd_status() {
  report_status "$PID_FILE" "$BIN_PREFIX" "$QUERY_URL" jaeger_answers
}

cmd_build() {
  take_lock "$LOCK_FILE" 600 scripts/jaeger.sh
  build_jaeger
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  build) cmd_build ;;
  *) die "usage: scripts/jaeger.sh up|down|status|build" ;;
esac
