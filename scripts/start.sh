#!/usr/bin/env bash
# Starts the whole platform on this machine: infrastructure, then the four apps from source
# (SWC compiles on the fly: no build step to wait for), with log lines prefixed per app.
# Database migrations run as each app starts. Ctrl-C stops everything this script started,
# FerretDB and Jaeger included. `npm run build` makes the production bundles the Dockerfile uses.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[start] %s\n' "$*" >&2; }

if [[ ! -d node_modules ]]; then
  log "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

# The apps run on the production image's Node.js (.nvmrc), fetched once when this machine's node
# is another major: what runs here is what ships. PLATFORM_NODE=system keeps this machine's.
# Before the infrastructure, so that a PLATFORM_NODE that cannot work starts nothing.
# shellcheck source=lib/platform-node-path.sh
source scripts/lib/platform-node-path.sh
use_platform_node || exit 1
log "apps run on Node.js $(node -v) ($PLATFORM_NODE)"

infra_output="$(bash scripts/infra.sh up 2>&1)" || { printf '%s\n' "$infra_output" >&2; exit 1; }
printf '%s\n' "$infra_output" >&2
started_ferretdb=false
[[ $infra_output == *"started FerretDB"* ]] && started_ferretdb=true

# Tracing (docs/tracing.md) is on by default: the apps send their spans to the local Jaeger,
# which is started here when nothing answers, unless OTEL_EXPORTER_OTLP_ENDPOINT names another
# backend. OTEL_SDK_DISABLED=true turns it off. Jaeger comes up in the background: its first build
# takes minutes, and the apps must not wait for it; their spans flow once it answers.
jaeger_started_marker="$(mktemp)"
rm -f "$jaeger_started_marker"
jaeger_job=""
lowercase() { printf '%s' "${1,,}"; }
if [[ $(lowercase "${OTEL_SDK_DISABLED:-}") == true ]]; then
  traces_line="traces off (OTEL_SDK_DISABLED=$OTEL_SDK_DISABLED)"
elif [[ $(lowercase "${OTEL_TRACES_EXPORTER:-}") == none ]]; then
  traces_line="traces off (OTEL_TRACES_EXPORTER=none)"
elif [[ -n ${OTEL_EXPORTER_OTLP_ENDPOINT:-} ]]; then
  traces_line="traces sent to $OTEL_EXPORTER_OTLP_ENDPOINT"
else
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:${JAEGER_OTLP_PORT:-4318}"
  traces_line="traces http://localhost:${JAEGER_QUERY_PORT:-16686} (Jaeger API; set JAEGER_UI_ASSETS for its UI)"
  [[ -n ${JAEGER_UI_ASSETS:-} ]] && traces_line="traces http://localhost:${JAEGER_QUERY_PORT:-16686} (Jaeger)"
  # In a session of its own, so that stopping npm start can stop a build still running (a
  # background job of a script ignores Ctrl-C, and so would the Go build under it).
  NPM_START_PID=$$ JAEGER_STARTED_MARKER="$jaeger_started_marker" setsid bash -c '
    bash scripts/jaeger.sh build || exit 0
    # npm start may have ended while Jaeger was being built: then start nothing.
    kill -0 "$NPM_START_PID" 2>/dev/null || exit 0
    jaeger_output="$(bash scripts/jaeger.sh up 2>&1)" || true
    printf "%s\n" "$jaeger_output" >&2
    if [[ $jaeger_output == *"started Jaeger"* ]]; then : >"$JAEGER_STARTED_MARKER"; fi
  ' &
  jaeger_job=$!
fi

stop_infra() {
  if [[ -n $jaeger_job ]] && kill -0 "$jaeger_job" 2>/dev/null; then
    kill -TERM -- "-$jaeger_job" 2>/dev/null || true
    wait "$jaeger_job" 2>/dev/null || true
  fi
  if [[ -e $jaeger_started_marker ]]; then
    bash scripts/jaeger.sh down || true
    rm -f "$jaeger_started_marker"
  fi
  if $started_ferretdb; then bash scripts/infra.sh down || true; fi
}
trap stop_infra EXIT

# Development defaults; set your own in the environment (production refuses the JWT default).
export NODE_ENV="${NODE_ENV:-development}"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@shop.local}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin-password-for-development}"

# One line per app of apps.json: its name, the variable of its HTTP port, that port's default,
# its log colour.
mapfile -t APPS < <(node scripts/list-apps.js name httpPortVariable httpPort logColour)
((${#APPS[@]})) || { log "apps.json lists no apps"; exit 1; }
for entry in "${APPS[@]}"; do
  read -r _ variable default_port _ <<<"$entry"
  # Unset: the app's own default, so that the check below and announce_when_ready know it.
  printf -v "$variable" '%s' "${!variable:-$default_port}"
  # A second npm start (or anything else on these ports) would leave the apps restarting on
  # EADDRINUSE while the old gateway answers, and "ready" would be a lie: refuse up front.
  if (exec 3<>"/dev/tcp/127.0.0.1/${!variable}") 2>/dev/null; then
    log "port ${!variable} ($variable) is already in use, perhaps by another npm start; stop it or set $variable"
    exit 1
  fi
done

# A queue left by an earlier run with another type (classic before quorum became the default)
# would stop each service, and the supervisor would restart it in a loop: say it once, here.
node -r @swc-node/register scripts/migrate-queues.ts --check || exit 1

announce_when_ready() {
  local deadline=$((SECONDS + 90))
  while ((SECONDS < deadline)); do
    if curl -fsS "http://127.0.0.1:$GATEWAY_PORT/health" >/dev/null 2>&1; then
      log "ready: API http://localhost:$GATEWAY_PORT/api  Swagger UI http://localhost:$GATEWAY_PORT/docs  $traces_line  (admin: $ADMIN_EMAIL)"
      return
    fi
    sleep 0.5
  done
  log "the gateway did not answer on :$GATEWAY_PORT within 90 s; see the logs above"
}

# Processes per app: REPLICAS for every app (default 1), <APP>_REPLICAS for one (e.g.
# ORDERS_REPLICAS=2). Replicas of a service compete for its one queue; replica k (from 0)
# listens on the app's HTTP port + 100·k (users 3001, 3101, ...), since consecutive ports would
# collide with the next app's. Each runs under scripts/supervise.sh, which restarts it when it
# crashes; the others keep serving.
replicas_of() {
  local per_app="${1^^}_REPLICAS"
  per_app="${per_app//-/_}"
  local count="${!per_app:-${REPLICAS:-1}}"
  if [[ ! $count =~ ^[1-9][0-9]?$ ]]; then
    log "$per_app (or REPLICAS) must be a number of processes from 1 to 99, not '$count'"
    exit 1
  fi
  printf '%s' "$count"
}
names=() colours=() commands=()
for entry in "${APPS[@]}"; do
  read -r app variable default_port colour <<<"$entry"
  count="$(replicas_of "$app")"
  base_port="${!variable:-$default_port}"
  for ((k = 0; k < count; k += 1)); do
    name=$app
    ((count > 1)) && name="$app-$((k + 1))"
    names+=("$name") colours+=("$colour")
    commands+=("$variable=$((base_port + 100 * k)) scripts/supervise.sh $name node -r @swc-node/register apps/$app/src/main.ts")
  done
done
names_list="$(IFS=,; printf '%s' "${names[*]}")"
colours_list="$(IFS=,; printf '%s' "${colours[*]}")"

announce_when_ready &

# exec: in the background subshell below, so that $! is concurrently itself. setsid: in a
# process group of its own (its id is $!), so that whatever it leaves behind can be stopped.
run_apps() {
  exec setsid ./node_modules/.bin/concurrently --names "$names_list" --prefix-colors "$colours_list" "${commands[@]}"
}

# In the background with a forwarding trap: a SIGTERM to this script (a process manager, a
# supervisor) must stop the apps gracefully too, not leave them orphaned; and without job
# control a background job would ignore Ctrl-C, so it is forwarded as well.
run_apps &
apps=$!
# concurrently counts an app that ends on SIGTERM as failed; on SIGINT it counts a clean stop.
# Its own process group gets no Ctrl-C or hang-up from the terminal: they are forwarded too.
trap 'kill -INT "$apps" 2>/dev/null || true' TERM INT HUP
# wait returns early when a trapped signal arrives; wait again for the apps to finish stopping.
status=0
wait "$apps" || wait "$apps" || status=$?
# concurrently ended without stopping its apps (it was SIGKILLed): they would keep running,
# ports held, with nobody to stop them. Stop what is left of its group, and wait for it.
if kill -0 -- "-$apps" 2>/dev/null; then
  log "the process manager ended with apps still running; stopping them"
  kill -TERM -- "-$apps" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 -- "-$apps" 2>/dev/null || break; sleep 0.5; done
fi
exit "$status"
