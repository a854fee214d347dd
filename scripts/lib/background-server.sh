# Sourced by scripts/infra.sh (FerretDB), scripts/toxiproxy.sh (Toxiproxy) and scripts/jaeger.sh
# (Jaeger): what they need to build a Go server once, run it in the background, find it again and
# stop it. Not executable.
#
# The caller sets LOG_TAG (the [tag] of every line) before using log or die.

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { log "$*"; exit 1; }

# Sets GO to a Go toolchain, or stops with "Go is not installed: <what to do instead>".
find_go() {
  local instead=$1
  if command -v go >/dev/null; then
    GO=go
  elif [[ -x /usr/local/go/bin/go ]]; then
    GO=/usr/local/go/bin/go
  else
    die "Go is not installed: $instead"
  fi
}

# Prints the pid in pid_file if that process still runs a binary whose path starts with
# bin_prefix (a recycled pid is someone else's); fails otherwise.
pid_from_file() { # pid_file bin_prefix
  local pid
  [[ -f $1 ]] || return 1
  pid="$(<"$1")"
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == "$2"* ]] || return 1
  printf '%s' "$pid"
}

# Runs a command in the background, in its own session, its output appended to log_file, and
# writes its pid to pid_file. The server outlives this script: it must not inherit any
# descriptor but 0-2, or it would hold our flock (fd 9), a caller's (`flock lockfile bash
# infra.sh up` passes one) or a test runner's pipes for as long as it runs. The subshell, env,
# nohup and setsid all exec, so $! is the server's pid.
start_detached() { # pid_file log_file command...
  local pid_file=$1 log_file=$2
  shift 2
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec env nohup setsid "$@" </dev/null >>"$log_file" 2>&1
  ) &
  printf '%s\n' "$!" >"$pid_file"
}

# SIGTERM, then waits until the process exits (SIGKILL after `seconds`).
stop_pid() { # pid seconds what
  local pid=$1 seconds=$2 what=$3 deadline=$((SECONDS + $2))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$what (pid $pid) ignored SIGTERM for $seconds s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      # Once: the loop only waits for the process to be gone now.
      deadline=$((SECONDS + 86400))
    fi
    sleep 0.1
  done
}

# Serializes runs of one script on fd 9 (held until the script exits).
take_lock() { # lock_file seconds script
  mkdir -p "$(dirname "$1")"
  exec 9>"$1"
  flock -w "$2" 9 || die "Another $3 holds $1 for more than $2 s."
}

# `down`: stops the server in pid_file if this script started it, and says what it did.
stop_our_server() { # pid_file bin_prefix seconds name [log_prefix]
  local pid prefix=${5:-}
  if ! pid="$(pid_from_file "$1" "$2")"; then
    rm -f "$1"
    log "${prefix}no $4 started by this script is running; nothing to stop"
    return 0
  fi
  stop_pid "$pid" "$3" "$prefix$4"
  rm -f "$1"
  log "${prefix}stopped $4 (pid $pid)"
}

# Waits until `answers` (a command) succeeds for the server that start_detached just started.
# A server that exits, or does not answer within `seconds`, is reported with its log's tail
# (and stopped) and the script dies.
await_answer() { # pid_file log_file seconds name where answers...
  local pid_file=$1 log_file=$2 seconds=$3 name=$4 where=$5 pid deadline
  shift 5
  pid="$(<"$pid_file")"
  deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -n 20 "$log_file" | sed "s/^/[$LOG_TAG]   /" >&2
      die "$name exited at start (log above, full log: $log_file)."
    fi
    if ((SECONDS >= deadline)); then
      stop_pid "$pid" 10 "$name"
      rm -f "$pid_file"
      die "$name (pid $pid, now stopped) did not answer at $where within $seconds s (log: $log_file)."
    fi
    sleep 0.1
  done
}

# `status`: one line, whether a server answers at `where` and whether this script started it;
# fails when none answers.
report_status() { # pid_file bin_prefix where answers...
  local pid_file=$1 bin_prefix=$2 where=$3 pid
  shift 3
  if "$@"; then
    if pid="$(pid_from_file "$pid_file" "$bin_prefix")"; then
      log "ok (started by this script, pid $pid, at $where)"
    else
      log "ok ($where)"
    fi
    return 0
  fi
  log "DOWN ($where)"
  return 1
}
