#!/usr/bin/env bash
# Keeps one app running for `npm start`: when it exits on its own (a crash, kill -9), it is
# started again after a delay that doubles from 1 s up to 30 s, and the delay starts over once
# the app has stayed up for a minute. A SIGTERM or SIGINT is passed to the app and ends the loop.
#
#   scripts/supervise.sh <name> <command> [args...]
#
# concurrently's own --restart-after exponential never resets and has no ceiling (the tenth
# crash of a session waits 17 minutes), hence this loop; concurrently still runs and prefixes
# the apps.
set -uo pipefail

readonly NAME=$1
shift
readonly MIN_DELAY_SECONDS=1 MAX_DELAY_SECONDS=30 STABLE_AFTER_SECONDS=60

child=
stopping=false
stop() {
  stopping=true
  [[ -n $child ]] && kill -"$1" "$child" 2>/dev/null
}
trap 'stop TERM' TERM
trap 'stop INT' INT

delay=$MIN_DELAY_SECONDS
while true; do
  started_at=$SECONDS
  "$@" &
  child=$!
  # wait returns early when a trapped signal arrives; wait again for the app to finish stopping.
  wait "$child"
  code=$?
  if $stopping; then
    wait "$child" 2>/dev/null
    exit 0
  fi
  ((SECONDS - started_at >= STABLE_AFTER_SECONDS)) && delay=$MIN_DELAY_SECONDS
  printf '[supervise] %s exited with code %s; restarting it in %s s\n' "$NAME" "$code" "$delay" >&2
  sleep "$delay" &
  wait $! || true
  $stopping && exit 0
  delay=$((delay * 2 > MAX_DELAY_SECONDS ? MAX_DELAY_SECONDS : delay * 2))
done
