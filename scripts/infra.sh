#!/usr/bin/env bash
# Local infrastructure for the shop platform (see ARCHITECTURE.md, "Infrastructure").
#
#   scripts/infra.sh up      check PostgreSQL and RabbitMQ, create the service databases,
#                            make sure a MongoDB answers at MONGO_URL (builds and starts
#                            FerretDB v1.24.2 on PostgreSQL when nothing answers locally)
#   scripts/infra.sh down    stop FerretDB if (and only if) this script started it
#   scripts/infra.sh status  one line per service; exit 1 if any is down
#
# Environment (defaults in brackets):
#   POSTGRES_URL       [postgres://postgres@127.0.0.1:5432/postgres]
#   <APP>_DB_NAME      [its database.name in apps.json]  for each postgres app of apps.json,
#                      e.g. USERS_DB_NAME [shop_users], PAYMENTS_DB_NAME [shop_payments]
#   RABBITMQ_URL       [amqp://guest:guest@127.0.0.1:5672]
#   MONGO_URL          [mongodb://127.0.0.1:27017]
#   FERRETDB_PG_DB     [ferretdb]  PostgreSQL database FerretDB stores its data in
#   FERRETDB_START_TIMEOUT [30]    seconds to wait for a started FerretDB to answer
#
# `up` is idempotent and serialized with flock, so concurrent runs never start two
# FerretDBs. All output goes to stderr, prefixed with [infra].
set -euo pipefail

readonly FERRETDB_VERSION=v1.24.2
readonly FERRETDB_MODULE=github.com/FerretDB/FerretDB

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CACHE_DIR="$ROOT/.cache/ferretdb"
readonly SRC_DIR="$CACHE_DIR/src"
# The suffix names our patches: a script with other patches must not reuse an older binary.
readonly BIN="$CACHE_DIR/bin/ferretdb-$FERRETDB_VERSION-locked-idindex"
readonly RUN_DIR="$CACHE_DIR/run"
readonly PID_FILE="$RUN_DIR/ferretdb.pid"
readonly LOG_FILE="$RUN_DIR/ferretdb.log"
readonly BUILD_LOG="$CACHE_DIR/build.log"
readonly LOCK_FILE="$CACHE_DIR/infra.lock"

POSTGRES_URL="${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
MONGO_URL="${MONGO_URL:-mongodb://127.0.0.1:27017}"
FERRETDB_PG_DB="${FERRETDB_PG_DB:-ferretdb}"
FERRETDB_START_TIMEOUT="${FERRETDB_START_TIMEOUT:-30}"

readonly LOG_TAG=infra
# shellcheck source=lib/background-server.sh
source "$ROOT/scripts/lib/background-server.sh"

# Prints a URL with its password replaced by ***.
redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

# Replaces the database (path) of a postgres:// URL, keeping user, host, port and query.
pg_url_with_db() {
  local url=$1 db=$2 scheme rest authority query=""
  scheme="${url%%://*}"
  rest="${url#*://}"
  if [[ $rest == *\?* ]]; then query="?${rest#*\?}"; rest="${rest%%\?*}"; fi
  authority="${rest%%/*}"
  printf '%s://%s/%s%s' "$scheme" "$authority" "$db" "$query"
}

# Splits "host:port", "[v6]:port" or "host" into the globals HP_HOST / HP_PORT.
split_host_port() {
  local hp=$1 default_port=$2
  if [[ $hp =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    HP_HOST="${BASH_REMATCH[1]}"; HP_PORT="${BASH_REMATCH[3]:-$default_port}"
  elif [[ $hp =~ ^([^:]*)(:([0-9]+))?$ ]]; then
    HP_HOST="${BASH_REMATCH[1]}"; HP_PORT="${BASH_REMATCH[3]:-$default_port}"
  else
    return 1
  fi
  [[ -n $HP_HOST ]] || HP_HOST=127.0.0.1
}

# Authority part (after user info, before path or query) of a URL.
url_hosts() {
  local rest="${1#*://}"
  rest="${rest%%/*}"; rest="${rest%%\?*}"
  printf '%s' "${rest##*@}"
}

tcp_open() { # host port
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- PostgreSQL

# The databases of the postgres apps of apps.json, each overridable by <APP>_DB_NAME
# (catalog-search: CATALOG_SEARCH_DB_NAME).
app_databases() {
  local listed app db variable
  command -v node >/dev/null || die "node not found: the list of apps (apps.json) is read with it."
  listed="$(node "$ROOT/scripts/list-apps.js" --database postgres name database.name)" \
    || die "Cannot read the postgres apps of $ROOT/apps.json (see above)."
  APP_DATABASES=()
  while read -r app db; do
    [[ -n $app ]] || continue
    variable="${app^^}_DB_NAME"
    variable="${variable//-/_}"
    APP_DATABASES+=("${!variable:-$db}")
  done <<<"$listed"
}

PSQL=(psql -X -q -A -t -v ON_ERROR_STOP=1)

pg_answers() { PGCONNECT_TIMEOUT=5 "${PSQL[@]}" "$POSTGRES_URL" -c 'select 1' >/dev/null 2>&1; }

pg_start_hint() {
  local ver
  ver="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  printf 'pg_ctlcluster --skip-systemctl-redirect %s main start' "${ver:-<version>}"
}

check_postgres() {
  command -v psql >/dev/null \
    || die "psql not found: install the PostgreSQL client (apt-get install postgresql-client) or run \`docker compose up -d postgres rabbitmq mongo\`."
  pg_answers \
    || die "PostgreSQL does not answer at $(redact "$POSTGRES_URL"): start it ($(pg_start_hint)) or run \`docker compose up -d postgres rabbitmq mongo\`."
}

# Creates the database if missing (CREATE DATABASE cannot run in a DO block, hence \gexec).
pg_ensure_db() {
  local db=$1
  [[ -n $db ]] || die "An empty database name was configured."
  "${PSQL[@]}" "$POSTGRES_URL" -v "db=$db" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

pg_db_exists() {
  [[ "$("${PSQL[@]}" "$POSTGRES_URL" -v "db=$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'" 2>/dev/null)" == 1 ]]
}

ensure_db() {
  if pg_db_exists "$1"; then return 0; fi
  pg_ensure_db "$1" >/dev/null || die "Could not create PostgreSQL database $1 at $(redact "$POSTGRES_URL")."
  log "postgres: created database $1"
}

# ---------------------------------------------------------------- RabbitMQ

rabbit_host_port() {
  local scheme="${RABBITMQ_URL%%://*}" port=5672
  [[ $scheme == amqps ]] && port=5671
  split_host_port "$(url_hosts "$RABBITMQ_URL")" "$port" \
    || die "Cannot parse RABBITMQ_URL $(redact "$RABBITMQ_URL")."
}

# Sends the AMQP 0-9-1 protocol header; a broker answers with a method frame (type 1,
# Connection.Start). A bare TCP connect is not enough: some networks accept any connect.
# amqps (TLS): TCP only.
rabbit_answers() {
  if [[ $RABBITMQ_URL == amqps://* ]]; then tcp_open "$HP_HOST" "$HP_PORT"; return; fi
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
  [[ "$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\0\0\11\1" >&3 && head -c 1 <&3 | od -An -tx1' \
    "$HP_HOST" "$HP_PORT" 2>/dev/null | tr -d ' ')" == 01 ]]
}

check_rabbit() {
  rabbit_host_port
  rabbit_answers \
    || die "RabbitMQ does not answer at $HP_HOST:$HP_PORT: start it (rabbitmq-server -detached) or run \`docker compose up -d rabbitmq\`."
}

# ---------------------------------------------------------------- MongoDB / FerretDB

MONGO_HOSTS=""
MONGO_HOST=""
MONGO_PORT=""

parse_mongo_url() {
  MONGO_HOSTS="$(url_hosts "$MONGO_URL")"
  split_host_port "${MONGO_HOSTS%%,*}" 27017 || die "Cannot parse MONGO_URL $(redact "$MONGO_URL")."
  MONGO_HOST=$HP_HOST
  MONGO_PORT=$HP_PORT
}

mongo_is_local() {
  [[ $MONGO_URL == mongodb://* && $MONGO_HOSTS != *,* ]] || return 1
  case "$MONGO_HOST" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac
}

# A real ping: a hand-written OP_MSG {ping: 1} over plain TCP (ping needs no auth; about
# 0.2 s, where loading the driver alone takes 0.6 s here), or through the project's
# mongodb driver for what that cannot do (TLS, mongodb+srv).
# shellcheck disable=SC2016 # JavaScript, not shell
readonly MONGO_PING_JS='
const url = process.env.INFRA_MONGO_URL;
const driver = process.env.INFRA_MONGO_DRIVER;
const fail = (m) => { console.error(m); process.exit(1); };
if (driver) {
  const { MongoClient } = require(driver);
  const c = new MongoClient(url, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 });
  c.connect().then(() => c.db("admin").command({ ping: 1 }))
    .then((r) => process.exit(r && r.ok === 1 ? 0 : 1), (e) => fail(e.message));
} else {
  const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
  const cstr = (s) => Buffer.from(s + "\0", "utf8");
  const body = Buffer.concat([Buffer.from([0x10]), cstr("ping"), i32(1),
    Buffer.from([0x02]), cstr("$db"), i32(6), cstr("admin"), Buffer.from([0])]);
  const doc = Buffer.concat([i32(body.length + 4), body]);
  const msg = Buffer.concat([i32(21 + doc.length), i32(1), i32(0), i32(2013), i32(0), Buffer.from([0]), doc]);
  const sock = require("net").connect({ host: process.env.INFRA_MONGO_HOST, port: +process.env.INFRA_MONGO_PORT });
  sock.setTimeout(3000, () => fail("timeout"));
  sock.on("error", (e) => fail(e.message));
  let result;
  const done = (code) => { result = code; sock.end(); }; // a clean close: no warning in its log
  sock.on("close", () => (result === undefined ? fail("connection closed before a reply") : process.exit(result)));
  let buf = Buffer.alloc(0);
  sock.on("connect", () => sock.write(msg));
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
    if (result !== undefined) return;
    if (buf.readInt32LE(12) !== 2013) return done(1); // not an OP_MSG reply
    for (const [type, read] of [[0x01, (o) => buf.readDoubleLE(o)], [0x10, (o) => buf.readInt32LE(o)]]) {
      const at = buf.indexOf(Buffer.from([type, 0x6f, 0x6b, 0x00]), 21);
      if (at > 0) return done(read(at + 4) === 1 ? 0 : 1);
    }
    done(1); // no ok field in the reply
  });
}
'

# 0 = a MongoDB answers a ping, 1 = nothing listens, 2 = something listens but no ping.
# Sets MONGO_PROBE to how it checked.
mongo_probe() {
  local driver=""
  MONGO_PROBE=tcp
  if [[ $MONGO_URL == mongodb+srv://* ]]; then
    if command -v node >/dev/null && [[ -d $ROOT/node_modules/mongodb ]]; then
      MONGO_PROBE=ping
      INFRA_MONGO_URL=$MONGO_URL INFRA_MONGO_DRIVER="$ROOT/node_modules/mongodb" \
        node -e "$MONGO_PING_JS" >/dev/null 2>&1 && return 0
      return 1
    fi
    MONGO_PROBE=unchecked
    return 0
  fi
  tcp_open "$MONGO_HOST" "$MONGO_PORT" || return 1
  command -v node >/dev/null || return 0
  if [[ $MONGO_URL =~ [?\&](tls|ssl)=true ]]; then
    # TLS needs the driver; without it, TCP is all we can check.
    [[ -d $ROOT/node_modules/mongodb ]] || return 0
    driver="$ROOT/node_modules/mongodb"
  fi
  MONGO_PROBE=ping
  INFRA_MONGO_URL=$MONGO_URL INFRA_MONGO_DRIVER=$driver INFRA_MONGO_HOST=$MONGO_HOST INFRA_MONGO_PORT=$MONGO_PORT \
    node -e "$MONGO_PING_JS" >/dev/null 2>&1 || return 2
}

# Serializes FerretDB's write commands: FerretDB v1 runs a conditional update as a query
# followed by a separate UPDATE by _id, so concurrent updates are lost (FerretDB #3040).
readonly LOCK_GO='package handler

import "sync"

// shopWriteLock serializes update, findAndModify and delete so that each is atomic
// like on MongoDB (FerretDB issue #3040). Added by scripts/infra.sh of the shop platform.
var shopWriteLock sync.Mutex
'

# Lets filters on _id use the unique _id index. FerretDB v1 pushes `{_id: X}` down as
# `_jsonb->$1 @> $2`, which the index on `_jsonb->'_id'` cannot serve (a btree has no `@>`, and
# a key passed as a parameter does not match an index expression), so every find, update,
# findAndModify and delete by _id read the whole table, the writes under the lock above:
# 24-35 ms per saga lookup at 5,000 sagas and growing with them; 2-3 ms with this patch.
# MongoDB forbids array _ids, and for a string (an ObjectId is stored as its hex string) `@>`
# then means equality, so `_jsonb->'_id' = $n` preselects the same rows. Correctness does not
# rest on that SQL: find, update, findAndModify and delete apply the whole filter again in Go
# (value type, other fields). Other keys and value types keep FerretDB's own SQL.
readonly ID_EQ_GO='	// Added by scripts/infra.sh of the shop platform: lets _id lookups use the _id index.
	if k == "_id" && operator == "->" {
		switch v.(type) {
		case string, types.ObjectID:
			return fmt.Sprintf(`%s = %s`, metadata.IDColumn, p.Next()), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

'

# Inserts ID_EQ_GO at the top of filterEqual, after checking that the source still builds the
# `@>` filter this replaces and that IDColumn is still the _id index expression.
patch_id_equality() {
  local f=$1/internal/backends/postgresql/query.go meta=$1/internal/backends/postgresql/metadata/metadata.go
  local sig='^func filterEqual\(p \*metadata\.Placeholder, k any, v any, operator string\) \(filter string, args \[\]any\) \{$'
  [[ -f $f && "$(grep -c -E "$sig" "$f")" == 1 ]] \
    || die "FerretDB patch failed: no single filterEqual(p, k, v, operator) in $f."
  grep -q -F 'sql := `%[1]s%[2]s%[3]s @> %[4]s`' "$f" \
    || die "FerretDB patch failed: filterEqual in $f no longer builds the @> filter this patch replaces."
  grep -q -x -F $'\tIDColumn = DefaultColumn + "->\'_id\'"' "$meta" \
    || die "FerretDB patch failed: metadata.IDColumn in $meta is no longer _jsonb->'_id'."
  printf '%s' "$ID_EQ_GO" >"$f.snippet"
  sed -E "/$sig/r $f.snippet" "$f" >"$f.new" && mv "$f.new" "$f" && rm -f "$f.snippet"
  grep -A2 -E "$sig" "$f" | grep -q -x -F $'\tif k == "_id" && operator == "->" {' \
    && [[ "$(grep -c -x -F $'\tif k == "_id" && operator == "->" {' "$f")" == 1 ]] \
    || die "FerretDB patch failed: the _id equality was not inserted (once) into filterEqual ($f)."
}

build_ferretdb() {
  [[ -x $BIN ]] && return 0
  find_go "install Go >= 1.22 or run a MongoDB at $(redact "$MONGO_URL"), e.g. \`docker compose up -d mongo\`."
  local started=$SECONDS dir f fn
  log "mongo:    building FerretDB $FERRETDB_VERSION with the write lock and the _id index patch (first time only, about a minute)..."
  : >"$BUILD_LOG"
  dir="$(cd / && GOWORK=off "$GO" mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" 2>>"$BUILD_LOG" \
    | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')" || true
  [[ -n $dir && -d $dir ]] || { tail -n 20 "$BUILD_LOG" >&2; die "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed (log: $BUILD_LOG)."; }

  rm -rf "$SRC_DIR" "$SRC_DIR.tmp"
  cp -R "$dir" "$SRC_DIR.tmp"
  chmod -R u+w "$SRC_DIR.tmp"
  # Not needed for the build; keeps JS test runners from picking up FerretDB's files.
  rm -rf "$SRC_DIR.tmp/build/legacy-mongo-shell"
  # The module zip ships no usable version.txt: the binary panics at start without it.
  printf '%s\n' "$FERRETDB_VERSION" >"$SRC_DIR.tmp/build/version/version.txt"

  printf '%s' "$LOCK_GO" >"$SRC_DIR.tmp/internal/handler/zz_shop_write_lock.go"
  for fn in MsgUpdate MsgFindAndModify MsgDelete; do
    f="$(grep -l -E "^func \(h \*Handler\) $fn\(.*\{$" "$SRC_DIR.tmp"/internal/handler/*.go || true)"
    [[ -n $f && $(wc -l <<<"$f") -eq 1 ]] \
      || die "FerretDB patch failed: no single definition of $fn in internal/handler ($SRC_DIR.tmp)."
    awk -v fn="$fn" '
      { print }
      $0 ~ "^func \\(h \\*Handler\\) " fn "\\(.*\\{$" { print "\tshopWriteLock.Lock()"; print "\tdefer shopWriteLock.Unlock()"; print "" }
    ' "$f" >"$f.new" && mv "$f.new" "$f"
    grep -A2 -E "^func \(h \*Handler\) $fn\(" "$f" | grep -q -x $'\tdefer shopWriteLock.Unlock()' \
      || die "FerretDB patch failed: the write lock was not inserted into $fn ($f)."
  done
  [[ "$(grep -c -x $'\tshopWriteLock.Lock()' "$SRC_DIR.tmp"/internal/handler/*.go | awk -F: '{ s += $NF } END { print s }')" == 3 ]] \
    || die "FerretDB patch failed: expected exactly 3 write-lock insertions in $SRC_DIR.tmp/internal/handler."
  patch_id_equality "$SRC_DIR.tmp"
  mv "$SRC_DIR.tmp" "$SRC_DIR"

  mkdir -p "$(dirname "$BIN")"
  if ! (cd "$SRC_DIR" && GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" \
        "$GO" build -o "$BIN.tmp" ./cmd/ferretdb) >>"$BUILD_LOG" 2>&1; then
    tail -n 30 "$BUILD_LOG" | sed 's/^/[infra]   /' >&2
    die "Building FerretDB failed (full log: $BUILD_LOG)."
  fi
  mv "$BIN.tmp" "$BIN"
  log "mongo:    built $BIN in $((SECONDS - started)) s"
}

# Pid of the FerretDB this script started, if it still runs.
our_ferretdb_pid() {
  # Any build of ours, not only $BIN: `down` must still stop what an older version of this
  # script started.
  pid_from_file "$PID_FILE" "$CACHE_DIR/bin/ferretdb-"
}

# Pid of the FerretDB this script started if it is the one MONGO_URL points at.
our_ferretdb_pid_at_mongo_url() {
  local pid
  pid="$(our_ferretdb_pid)" || return 1
  mongo_is_local || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q -E -x -- "--listen-addr=(127\.0\.0\.1|\[::1\]):$MONGO_PORT" || return 1
  printf '%s' "$pid"
}

FERRETDB_LISTEN=""

start_ferretdb() {
  local pg_url listen pid deadline rc
  ensure_db "$FERRETDB_PG_DB"
  pg_url="${FERRETDB_POSTGRESQL_URL:-$(pg_url_with_db "$POSTGRES_URL" "$FERRETDB_PG_DB")}"
  if [[ $MONGO_HOST == *:* ]]; then listen="[$MONGO_HOST]:$MONGO_PORT"; else listen="$MONGO_HOST:$MONGO_PORT"; fi
  [[ $MONGO_HOST == localhost ]] && listen="127.0.0.1:$MONGO_PORT"

  mkdir -p "$RUN_DIR"
  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  start_detached "$PID_FILE" "$LOG_FILE" env DO_NOT_TRACK=1 "$BIN" \
    --listen-addr="$listen" \
    --postgresql-url="$pg_url" \
    --telemetry=disable \
    --debug-addr=- \
    --state-dir="$RUN_DIR" \
    --log-level=warn
  pid="$(<"$PID_FILE")"

  deadline=$((SECONDS + FERRETDB_START_TIMEOUT))
  while :; do
    rc=0; mongo_probe || rc=$?
    [[ $rc == 0 ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_FILE" | sed 's/^/[infra]   /' >&2
      die "FerretDB exited at start (log above, full log: $LOG_FILE)."
    fi
    if ((SECONDS >= deadline)); then
      stop_pid "$pid" 15 "mongo:    FerretDB"
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_FILE" | sed 's/^/[infra]   /' >&2
      die "FerretDB (pid $pid, now stopped) did not answer at $listen within ${FERRETDB_START_TIMEOUT} s (log above, full log: $LOG_FILE)."
    fi
    sleep 0.2
  done
  FERRETDB_LISTEN=$listen
}

ensure_mongo() {
  local rc=0 pid
  parse_mongo_url
  mongo_probe || rc=$?
  case $rc in
    0)
      if [[ $MONGO_PROBE == unchecked ]]; then
        log "mongo:    not checked ($(redact "$MONGO_URL") is an SRV URL; install node_modules/mongodb to check it)"
      elif pid="$(our_ferretdb_pid_at_mongo_url)"; then
        log "mongo:    ok (FerretDB $FERRETDB_VERSION, pid $pid, at $MONGO_HOST:$MONGO_PORT)"
        [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == "$BIN" ]] \
          || log "mongo:    that FerretDB is an older build, without all of our patches: scripts/infra.sh down, then up, rebuilds and restarts it"
      else
        log "mongo:    ok ($(redact "$MONGO_URL"))"
      fi
      return 0 ;;
    2)
      mongo_is_local \
        || die "No MongoDB answers at $(redact "$MONGO_URL") (a TCP connect succeeds, a MongoDB ping does not): start it there or point MONGO_URL at a MongoDB."
      die "Something listens at $MONGO_HOST:$MONGO_PORT but does not answer a MongoDB ping: stop it or point MONGO_URL at another port." ;;
  esac
  mongo_is_local \
    || die "No MongoDB answers at $(redact "$MONGO_URL"): start it there or point MONGO_URL at a local port (e.g. mongodb://127.0.0.1:27017), where this script runs FerretDB."
  if pid="$(our_ferretdb_pid)"; then
    die "The FerretDB this script started (pid $pid) listens elsewhere ($(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -o -E -- '--listen-addr=[^ ]+')): point MONGO_URL there or run scripts/infra.sh down first."
  fi
  build_ferretdb
  start_ferretdb
  log "mongo:    started FerretDB $FERRETDB_VERSION (pid $(<"$PID_FILE")) at $FERRETDB_LISTEN, log $LOG_FILE"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  take_lock "$LOCK_FILE" 600 scripts/infra.sh
  local db listed
  app_databases
  check_postgres
  for db in "${APP_DATABASES[@]}"; do ensure_db "$db"; done
  printf -v listed '%s, ' "${APP_DATABASES[@]}"
  log "postgres: ok ($(redact "$POSTGRES_URL"); databases ${listed%, })"
  check_rabbit
  log "rabbitmq: ok ($HP_HOST:$HP_PORT)"
  ensure_mongo
}

cmd_down() {
  take_lock "$LOCK_FILE" 600 scripts/infra.sh
  # Any build of ours, as our_ferretdb_pid.
  stop_our_server "$PID_FILE" "$CACHE_DIR/bin/ferretdb-" 15 FerretDB "mongo:    "
}

cmd_status() {
  local down=0 rc=0 db missing=() pid
  app_databases
  if command -v psql >/dev/null && pg_answers; then
    for db in "${APP_DATABASES[@]}"; do pg_db_exists "$db" || missing+=("$db"); done
    if ((${#missing[@]})); then
      log "postgres: ok ($(redact "$POSTGRES_URL")), missing databases: ${missing[*]} (run scripts/infra.sh up)"
      down=1
    else
      log "postgres: ok ($(redact "$POSTGRES_URL"))"
    fi
  else
    log "postgres: DOWN ($(redact "$POSTGRES_URL"))"; down=1
  fi
  rabbit_host_port
  if rabbit_answers; then log "rabbitmq: ok ($HP_HOST:$HP_PORT)"; else log "rabbitmq: DOWN ($HP_HOST:$HP_PORT)"; down=1; fi
  parse_mongo_url
  mongo_probe || rc=$?
  if [[ $rc == 0 ]]; then
    if pid="$(our_ferretdb_pid_at_mongo_url)"; then
      log "mongo:    ok (FerretDB $FERRETDB_VERSION started by this script, pid $pid, at $MONGO_HOST:$MONGO_PORT)"
    else
      log "mongo:    ok ($(redact "$MONGO_URL"), $MONGO_PROBE)"
    fi
  elif [[ $rc == 2 ]]; then
    log "mongo:    DOWN (something listens at $MONGO_HOST:$MONGO_PORT but does not answer a ping)"; down=1
  else
    log "mongo:    DOWN ($(redact "$MONGO_URL"))"; down=1
  fi
  return "$down"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: scripts/infra.sh up|down|status" ;;
esac
