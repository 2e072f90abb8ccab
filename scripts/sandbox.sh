#!/usr/bin/env bash
# Local sandbox fleet for Shardscope: a control-plane Postgres, Redis, and two
# shards, each a primary + streaming replica + PgBouncer. Everything runs from
# $REPO/.sandbox/$SANDBOX_NAME (git-ignored); several sandboxes run side by side
# on different base ports (demo 24300, integration tests 24500, e2e 24700).
# Base ports stay below 32768, Linux's ephemeral range (32768-60999): a listener
# there can collide with the local port of some outgoing connection.
#
# Usage: bash scripts/sandbox.sh COMMAND
#   up                   create (first time) or start the fleet; idempotent. Prints
#                        the absolute path of fleet.json on stdout (the only stdout).
#   down [--purge]       stop what `up` started, by pid file only; data is kept.
#                        --purge also deletes the sandbox directory.
#   status               one line per component; exit 0 when all up, 3 otherwise.
#   stop-node ID         pg_ctl stop -m immediate on one Postgres node.
#   start-node ID        start one Postgres node (replicas: waits until streaming
#                        when their primary is up).
#   pause-node ID        SIGSTOP the node's postmaster and its children (backends,
#                        walreceiver...): it accepts TCP but never answers, also on
#                        open connections. resume-node ID sends SIGCONT (no-op when
#                        the node is not paused or not running).
#   Node ids: control shard-1-primary shard-1-replica-1 shard-2-primary shard-2-replica-1
#
# Environment:
#   SANDBOX_NAME       default demo ([A-Za-z0-9_.-])
#   SANDBOX_BASE_PORT  default 24300, or the one recorded in ports.env by the first
#                      `up`; a different explicit value for an existing sandbox fails.
#
# Ports (B = SANDBOX_BASE_PORT):
#   B+0 control Postgres (db shardscope)   B+1 Redis
#   B+10*N primary, B+10*N+1 replica, B+10*N+2 PgBouncer of shard N (N = 1, 2; db app)
#
# Layout of $DIR = .sandbox/$SANDBOX_NAME:
#   pg/<node-id>/          data directories (cluster_name = node id)
#   run/                   unix sockets of Postgres and PgBouncer (a symlink to
#                          /tmp/shardscope-<hash> when the real path would be too long)
#   log/<name>.log         Postgres (<node-id>), pgbouncer-shard-N, redis
#   pgbouncer/shard-N/     pgbouncer.ini, userlist.txt, pgbouncer.pid
#   redis/                 redis.pid, working dir
#   secrets.env            SANDBOX_PASSWORD=<hex>, generated once (mode 600)
#   ports.env              ports, RUN_DIR, paths: for other scripts and tests
#   fleet.json             the console's fleet file (mode 600)
#
# Roles (password $SANDBOX_PASSWORD): shardscope_admin (superuser), shardscope_monitor
# (pg_monitor, pg_signal_backend), and on shard primaries app and replicator.
# Bootstrap superuser `postgres`, trusted on the unix socket only.
# As root, Postgres and PgBouncer run as the `postgres` OS user (Redis as root).
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PGBOUNCER_BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
SCRIPT_PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO=$(dirname "$(dirname "$SCRIPT_PATH")")

SANDBOX_NAME=${SANDBOX_NAME:-demo}
DIR=$REPO/.sandbox/$SANDBOX_NAME
LOCK_FILE=$REPO/.sandbox/.$SANDBOX_NAME.lock   # serialises mutating commands
SHARDS=(1 2)
NODES=(control shard-1-primary shard-1-replica-1 shard-2-primary shard-2-replica-1)
START_TIMEOUT=30      # s, Postgres start
STREAM_TIMEOUT=15     # s, replica reaching 'streaming'
SERVICE_TIMEOUT=10    # s, PgBouncer / Redis answering

# Connection settings from the caller's environment must not leak into our psql calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS

IS_ROOT=0
if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1; fi

# ---------------------------------------------------------------- helpers

say() { printf '[sandbox:%s] %s\n' "$SANDBOX_NAME" "$*" >&2; }
die() { say "error: $*"; exit 1; }

now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Run a command as the OS user that owns the Postgres/PgBouncer files.
as_pg() {
  if [ "$IS_ROOT" = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Give a path to the postgres OS user (no-op when not root).
own_pg() {
  if [ "$IS_ROOT" = 1 ]; then chown -R postgres:postgres "$@"; fi
}

log_tail() {
  local file=$1
  if [ -f "$file" ]; then
    say "last lines of $file:"
    tail -n 20 "$file" | sed 's/^/    /' >&2
  fi
}

# pid_alive PID [PATTERN]: the process exists (and its command line contains PATTERN).
pid_alive() {
  local pid=$1 pattern=${2:-}
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$pattern" ] && [ -r "/proc/$pid/cmdline" ]; then
    local cmdline
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    [[ "$cmdline" == *"$pattern"* ]] || return 1
  fi
  return 0
}

pidfile_pid() { [ -f "$1" ] && head -n 1 "$1" | tr -d '[:space:]' || true; }

# Process state letter from /proc (T = stopped), empty when unknown.
proc_state() { [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1 || true; }

# Direct children of PID (from /proc). Postgres backends call setsid(), so they are
# not in the postmaster's process group: a hung node means signalling each of them.
child_pids() {
  local parent=$1 stat line fields
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    read -r -a fields <<<"${line##*) }"   # state ppid pgrp ...
    if [ "${fields[1]:-}" = "$parent" ]; then
      line=${stat#/proc/}
      echo "${line%/stat}"
    fi
  done
}

# run_parallel FAIL_MESSAGE FN ARGS... ;; FN ARGS... : runs each call in the
# background, waits for all, dies with FAIL_MESSAGE if any failed. Call it as a
# plain command: inside `if`/`||`, bash would ignore `set -e` within the jobs.
run_parallel() {
  local fail_message=$1 pids=() names=() call=() failed=0 i
  shift
  while [ $# -gt 0 ]; do
    call=()
    while [ $# -gt 0 ] && [ "$1" != ";;" ]; do call+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    "${call[@]}" &
    pids+=($!)
    names+=("${call[*]}")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      say "failed: ${names[$i]}"
      failed=1
    fi
  done
  if [ "$failed" = 1 ]; then die "$fail_message"; fi
}

# ---------------------------------------------------------------- configuration

# An existing sandbox keeps the base port it was created with (ports.env): `up`
# with another one fails; the other commands just use the recorded one.
resolve_base_port() {
  local cmd=$1 recorded=""
  if [ -f "$DIR/ports.env" ]; then
    recorded=$(sed -n 's/^SANDBOX_BASE_PORT=//p' "$DIR/ports.env")
  fi
  BASE=${SANDBOX_BASE_PORT:-${recorded:-24300}}
  if [ -n "$recorded" ] && [ "$BASE" != "$recorded" ]; then
    if [ "$cmd" = up ]; then
      die "sandbox '$SANDBOX_NAME' was created with SANDBOX_BASE_PORT=$recorded (not $BASE); use that, or run 'down --purge' first"
    fi
    say "note: using the recorded SANDBOX_BASE_PORT=$recorded (not $BASE)"
    BASE=$recorded
  fi
  [[ "$BASE" =~ ^[0-9]+$ ]] && [ "$BASE" -ge 1024 ] && [ "$BASE" -le 65500 ] ||
    die "SANDBOX_BASE_PORT must be a number between 1024 and 65500 (got '$BASE')"
}

# The unix socket path ($RUN_DIR/.s.PGSQL.NNNNN) must fit in 107 bytes.
resolve_run_dir() {
  local candidate=$DIR/run socket_name=/.s.PGSQL.65535
  if [ -L "$candidate" ]; then
    RUN_DIR=$(readlink "$candidate")
  elif [ $((${#candidate} + ${#socket_name})) -le 107 ]; then
    RUN_DIR=$candidate
  else
    RUN_DIR=/tmp/shardscope-$(printf '%s' "$DIR" | sha1sum | cut -c1-16)
  fi
}

setup_config() {
  [[ "$SANDBOX_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "bad SANDBOX_NAME '$SANDBOX_NAME'"
  resolve_base_port "$1"
  resolve_run_dir
  CONTROL_PORT=$BASE
  REDIS_PORT=$((BASE + 1))
}

primary_port() { echo $((BASE + 10 * $1)); }
replica_port() { echo $((BASE + 10 * $1 + 1)); }
bouncer_port() { echo $((BASE + 10 * $1 + 2)); }

node_port() {
  case $1 in
    control) echo "$CONTROL_PORT" ;;
    shard-[12]-primary) primary_port "$(node_shard "$1")" ;;
    shard-[12]-replica-1) replica_port "$(node_shard "$1")" ;;
    *) die "unknown node '$1' (one of: ${NODES[*]})" ;;
  esac
}
node_shard() { local s=${1#shard-}; echo "${s%%-*}"; }
node_dir() { echo "$DIR/pg/$1"; }
node_log() { echo "$DIR/log/$1.log"; }
is_replica() { [[ "$1" == *-replica-* ]]; }

check_node_id() {
  local n
  for n in "${NODES[@]}"; do [ "$n" = "${1:-}" ] && return 0; done
  die "unknown node '${1:-}' (one of: ${NODES[*]})"
}

load_password() {
  local file=$DIR/secrets.env
  [ -f "$file" ] || die "$file is missing"
  SANDBOX_PASSWORD=$(sed -n 's/^SANDBOX_PASSWORD=//p' "$file")
  [[ "$SANDBOX_PASSWORD" =~ ^[0-9a-f]+$ ]] || die "$file has no valid SANDBOX_PASSWORD"
}

# ---------------------------------------------------------------- directories & files

prepare_dirs() {
  mkdir -p "$DIR"/{pg,log,redis,pgbouncer/shard-1,pgbouncer/shard-2}
  chmod 755 "$DIR"
  if [ "$RUN_DIR" != "$DIR/run" ]; then
    mkdir -p "$RUN_DIR"
    [ -L "$DIR/run" ] || ln -s "$RUN_DIR" "$DIR/run"
  else
    mkdir -p "$RUN_DIR"
  fi
  chmod 755 "$RUN_DIR"
  own_pg "$DIR/pg" "$DIR/log" "$DIR/pgbouncer" "$RUN_DIR"
  if [ "$IS_ROOT" = 1 ] && ! runuser -u postgres -- test -w "$DIR/pg"; then
    die "the postgres OS user cannot write $DIR/pg (a parent directory is not traversable?)"
  fi
}

ensure_secrets() {
  local file=$DIR/secrets.env
  if [ ! -f "$file" ]; then
    if compgen -G "$DIR/pg/*/PG_VERSION" >/dev/null; then
      die "$file is missing but data directories exist; run 'down --purge' to start over"
    fi
    (umask 077 && printf 'SANDBOX_PASSWORD=%s\n' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$file")
    say "generated $file"
  fi
  chmod 600 "$file"
  load_password
}

write_ports_env() {
  local tmp=$DIR/ports.env.tmp n
  {
    echo "SANDBOX_NAME=$SANDBOX_NAME"
    echo "SANDBOX_BASE_PORT=$BASE"
    echo "SANDBOX_DIR=$DIR"
    echo "RUN_DIR=$RUN_DIR"
    echo "FLEET_FILE=$DIR/fleet.json"
    echo "SECRETS_FILE=$DIR/secrets.env"
    echo "CONTROL_PORT=$CONTROL_PORT"
    echo "REDIS_PORT=$REDIS_PORT"
    for n in "${SHARDS[@]}"; do
      echo "SHARD_${n}_PRIMARY_PORT=$(primary_port "$n")"
      echo "SHARD_${n}_REPLICA_PORT=$(replica_port "$n")"
      echo "SHARD_${n}_PGBOUNCER_PORT=$(bouncer_port "$n")"
    done
  } >"$tmp"
  mv "$tmp" "$DIR/ports.env"
}

write_fleet_json() {
  local pw=$SANDBOX_PASSWORD file=$DIR/fleet.json tmp=$DIR/fleet.json.tmp n sep
  (
    umask 077
    {
      printf '{\n  "version": 1,\n'
      printf '  "control": { "url": "postgres://shardscope_admin:%s@127.0.0.1:%s/shardscope" },\n' "$pw" "$CONTROL_PORT"
      printf '  "redis": { "url": "redis://127.0.0.1:%s/0" },\n' "$REDIS_PORT"
      printf '  "shards": [\n'
      for n in "${SHARDS[@]}"; do
        sep=","; [ "$n" = "${SHARDS[-1]}" ] && sep=""
        cat <<EOF
    {
      "id": "shard-$n",
      "name": "Shard $n",
      "adminUrl": "postgres://shardscope_admin:$pw@127.0.0.1:$(primary_port "$n")/app",
      "pooler": {
        "url": "postgres://app:$pw@127.0.0.1:$(bouncer_port "$n")/app",
        "adminUrl": "postgres://shardscope_monitor:$pw@127.0.0.1:$(bouncer_port "$n")/pgbouncer"
      },
      "nodes": [
        { "id": "shard-$n-primary", "role": "primary", "url": "postgres://shardscope_monitor:$pw@127.0.0.1:$(primary_port "$n")/app" },
        { "id": "shard-$n-replica-1", "role": "replica", "url": "postgres://shardscope_monitor:$pw@127.0.0.1:$(replica_port "$n")/app" }
      ]
    }$sep
EOF
      done
      printf '  ]\n}\n'
    } >"$tmp"
  )
  mv "$tmp" "$file"
  chmod 600 "$file"
}

# ---------------------------------------------------------------- Postgres

pg_pid() { pidfile_pid "$(node_dir "$1")/postmaster.pid"; }
pg_running() { pid_alive "$(pg_pid "$1")" "$(node_dir "$1")"; }
pg_ready() { "$PG_BIN/pg_isready" -q -h "$RUN_DIR" -p "$(node_port "$1")" -t "${2:-1}" >/dev/null 2>&1; }

# psql as the bootstrap superuser over the unix socket; SQL on stdin or in args.
pg_sql() {
  local node=$1 db=$2; shift 2
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$(node_port "$node")" -U postgres -d "$db" "$@"
}

# Settings shared by every server (a replica inherits them from its primary's copy).
pg_settings() {
  local node=$1
  cat <<EOF

# ---- shardscope sandbox ----
listen_addresses = '127.0.0.1'
port = $(node_port "$node")
unix_socket_directories = '$RUN_DIR'
cluster_name = '$node'
max_connections = 100
fsync = off
shared_preload_libraries = 'pg_stat_statements'
track_io_timing = on
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_keep_size = '64MB'
password_encryption = 'scram-sha-256'
log_destination = 'stderr'
logging_collector = off
EOF
}

pg_hba() {
  cat <<'EOF'
# shardscope sandbox
local   all          all                        trust
host    all          all         127.0.0.1/32   scram-sha-256
host    replication  replicator  127.0.0.1/32   scram-sha-256
EOF
}

# initdb into <dir>.tmp, configure, then rename: a half-made dir never looks initialised.
ensure_initdb() {
  local node=$1 dir tmp
  dir=$(node_dir "$node")
  [ -f "$dir/PG_VERSION" ] && return 0
  [ -e "$dir" ] && die "$dir exists but is not a data directory; run 'down --purge'"
  tmp=$dir.tmp
  rm -rf "$tmp"
  say "[$node] initdb"
  if ! as_pg "$PG_BIN/initdb" -D "$tmp" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions \
      >"$DIR/log/initdb-$node.log" 2>&1; then
    log_tail "$DIR/log/initdb-$node.log"
    die "[$node] initdb failed"
  fi
  pg_settings "$node" | as_pg tee -a "$tmp/postgresql.conf" >/dev/null
  pg_hba | as_pg tee "$tmp/pg_hba.conf" >/dev/null
  mv "$tmp" "$dir"
}

wait_pg_ready() {
  local node=$1 i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    pg_ready "$node" && return 0
    sleep 0.1
  done
  log_tail "$(node_log "$node")"
  die "[$node] not accepting connections on port $(node_port "$node") after ${START_TIMEOUT}s"
}

start_pg() {
  local node=$1 dir pid out
  dir=$(node_dir "$node")
  [ -f "$dir/PG_VERSION" ] || die "[$node] no data directory at $dir (run 'up')"
  if pg_running "$node"; then
    pid=$(pg_pid "$node")
    if [ "$(proc_state "$pid")" = T ]; then die "[$node] is paused; run 'resume-node $node'"; fi
  else
    say "[$node] starting on port $(node_port "$node")"
    # The postmaster's own stdout/stderr go to the -l log, so capturing is safe.
    if ! out=$(as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$(node_log "$node")" -w -t "$START_TIMEOUT" start 2>&1); then
      printf '%s\n' "$out" | sed 's/^/    /' >&2
      log_tail "$(node_log "$node")"
      die "[$node] failed to start (port $(node_port "$node"))"
    fi
  fi
  wait_pg_ready "$node"
}

# pause: SIGSTOP the postmaster (no new connections) then each of its children (open
# connections hang too). unpause: SIGCONT them all; harmless on a running node.
pause_pg() {
  local pid child
  pid=$(pg_pid "$1")
  kill -STOP "$pid"
  for child in $(child_pids "$pid"); do kill -STOP "$child" 2>/dev/null || true; done
}

unpause_pg() {
  local pid child
  pid=$(pg_pid "$1")
  pid_alive "$pid" || return 0
  for child in $(child_pids "$pid"); do kill -CONT "$child" 2>/dev/null || true; done
  kill -CONT "$pid" 2>/dev/null || true
}

stop_pg() {
  local node=$1 mode=${2:-fast} dir
  dir=$(node_dir "$node")
  [ -f "$dir/postmaster.pid" ] || return 0
  if ! pg_running "$node"; then
    say "[$node] not running (stale postmaster.pid)"
    return 0
  fi
  unpause_pg "$node"
  say "[$node] stopping (-m $mode)"
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m "$mode" -w -t 60 stop >/dev/null ||
    die "[$node] pg_ctl stop failed"
}

# Roles every server gets (control and shard primaries).
roles_sql() {
  cat <<EOF
\\set pw '$SANDBOX_PASSWORD'
SELECT 'CREATE ROLE shardscope_admin' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shardscope_admin') \\gexec
ALTER ROLE shardscope_admin WITH LOGIN SUPERUSER PASSWORD :'pw';
SELECT 'CREATE ROLE shardscope_monitor' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shardscope_monitor') \\gexec
ALTER ROLE shardscope_monitor WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw';
GRANT pg_monitor, pg_signal_backend TO shardscope_monitor;
EOF
}

bootstrap_control() {
  {
    roles_sql
    cat <<'EOF'
SELECT 'CREATE DATABASE shardscope OWNER shardscope_admin' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'shardscope') \gexec
EOF
  } | pg_sql control postgres >/dev/null
}

bootstrap_shard_primary() {
  local node=$1
  {
    roles_sql
    cat <<'EOF'
SELECT 'CREATE ROLE app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app') \gexec
ALTER ROLE app WITH LOGIN NOSUPERUSER PASSWORD :'pw';
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'replicator') \gexec
ALTER ROLE replicator WITH LOGIN REPLICATION NOSUPERUSER PASSWORD :'pw';
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SELECT 'CREATE DATABASE app OWNER shardscope_admin' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'app') \gexec
\connect app
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
ALTER DEFAULT PRIVILEGES FOR ROLE shardscope_admin IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app;
ALTER DEFAULT PRIVILEGES FOR ROLE shardscope_admin IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO app;
GRANT CONNECT ON DATABASE app TO app, shardscope_monitor;
EOF
  } | pg_sql "$node" postgres >/dev/null
}

# Roles/databases are created once per data dir; a marker inside it records that.
ensure_bootstrapped() {
  local node=$1 marker
  marker=$(node_dir "$node")/sandbox_bootstrapped
  [ -f "$marker" ] && return 0
  say "[$node] creating roles and databases"
  if [ "$node" = control ]; then bootstrap_control; else bootstrap_shard_primary "$node"; fi ||
    die "[$node] bootstrap SQL failed"
  as_pg touch "$marker"
}

# Physical slot + pg_basebackup -R into <dir>.tmp, then the replica's own port/name.
ensure_replica() {
  local n=$1 node dir tmp slot
  node=shard-$n-replica-1
  dir=$(node_dir "$node")
  slot=shard_${n}_replica_1
  [ -f "$dir/PG_VERSION" ] && return 0
  [ -e "$dir" ] && die "$dir exists but is not a data directory; run 'down --purge'"
  tmp=$dir.tmp
  rm -rf "$tmp"
  pg_sql "shard-$n-primary" postgres -c \
    "SELECT pg_create_physical_replication_slot('$slot') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot')" >/dev/null
  say "[$node] pg_basebackup from port $(primary_port "$n") (slot $slot)"
  if ! PGPASSWORD=$SANDBOX_PASSWORD as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$(primary_port "$n")" \
      -U replicator -D "$tmp" -R -S "$slot" -X stream --checkpoint=fast --no-sync \
      >"$DIR/log/basebackup-$node.log" 2>&1; then
    log_tail "$DIR/log/basebackup-$node.log"
    die "[$node] pg_basebackup failed"
  fi
  rm -f "$tmp/sandbox_bootstrapped"
  # postgresql.conf is the primary's copy: override its port and cluster_name.
  printf "# shardscope sandbox: replica overrides\nport = %s\ncluster_name = '%s'\n" \
    "$(replica_port "$n")" "$node" | as_pg tee -a "$tmp/postgresql.auto.conf" >/dev/null
  mv "$tmp" "$dir"
}

wait_streaming() {
  local node=$1 i status=""
  for ((i = 0; i < STREAM_TIMEOUT * 10; i++)); do
    status=$(pg_sql "$node" postgres -c "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
    [ "$status" = streaming ] && return 0
    sleep 0.1
  done
  log_tail "$(node_log "$node")"
  die "[$node] not streaming after ${STREAM_TIMEOUT}s (wal receiver status: '${status:-none}')"
}

# ---------------------------------------------------------------- PgBouncer

bouncer_dir() { echo "$DIR/pgbouncer/shard-$1"; }
bouncer_pid() { pidfile_pid "$(bouncer_dir "$1")/pgbouncer.pid"; }
bouncer_running() { pid_alive "$(bouncer_pid "$1")" "$(bouncer_dir "$1")/pgbouncer.ini"; }

write_bouncer_config() {
  local n=$1 bdir pw=$SANDBOX_PASSWORD
  bdir=$(bouncer_dir "$n")
  cat >"$bdir/pgbouncer.ini" <<EOF
; shardscope sandbox, shard-$n
[databases]
app = host=127.0.0.1 port=$(primary_port "$n") dbname=app

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $(bouncer_port "$n")
unix_socket_dir = $RUN_DIR
pidfile = $bdir/pgbouncer.pid
logfile = $DIR/log/pgbouncer-shard-$n.log
auth_type = scram-sha-256
auth_file = $bdir/userlist.txt
admin_users = shardscope_admin
stats_users = shardscope_monitor
pool_mode = transaction
default_pool_size = 5
reserve_pool_size = 0
max_client_conn = 200
ignore_startup_parameters = extra_float_digits,options,statement_timeout
EOF
  (
    umask 077
    printf '"app" "%s"\n"shardscope_monitor" "%s"\n"shardscope_admin" "%s"\n' "$pw" "$pw" "$pw" >"$bdir/userlist.txt"
  )
  chmod 600 "$bdir/userlist.txt"
  own_pg "$bdir"
}

bouncer_answers() {
  PGPASSWORD=$SANDBOX_PASSWORD "$PG_BIN/psql" -X -q -A -t -c 'SHOW VERSION' \
    "postgres://shardscope_monitor@127.0.0.1:$(bouncer_port "$1")/pgbouncer?connect_timeout=2" >/dev/null 2>&1
}

start_bouncer() {
  local n=$1 bdir i
  bdir=$(bouncer_dir "$n")
  if ! bouncer_running "$n"; then
    rm -f "$bdir/pgbouncer.pid"
    write_bouncer_config "$n"
    say "[pgbouncer shard-$n] starting on port $(bouncer_port "$n")"
    as_pg "$PGBOUNCER_BIN" -d -q "$bdir/pgbouncer.ini" </dev/null >/dev/null 2>&1 || {
      log_tail "$DIR/log/pgbouncer-shard-$n.log"
      die "[pgbouncer shard-$n] failed to start"
    }
  fi
  # Our own process must answer (not another sandbox's on a clashing port).
  for ((i = 0; i < SERVICE_TIMEOUT * 10; i++)); do
    if bouncer_running "$n"; then
      bouncer_answers "$n" && return 0
    elif [ "$i" -ge 20 ]; then
      break
    fi
    sleep 0.1
  done
  log_tail "$DIR/log/pgbouncer-shard-$n.log"
  die "[pgbouncer shard-$n] does not answer SHOW VERSION on port $(bouncer_port "$n")"
}

# kill_pidfile LABEL PIDFILE PATTERN: SIGTERM the recorded pid and wait until it is gone.
kill_pidfile() {
  local label=$1 pidfile=$2 pattern=$3 pid i
  pid=$(pidfile_pid "$pidfile")
  [ -n "$pid" ] || return 0
  if ! pid_alive "$pid" "$pattern"; then
    rm -f "$pidfile"
    return 0
  fi
  say "[$label] stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_alive "$pid" "$pattern" || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  die "[$label] pid $pid did not exit within 10s"
}

stop_bouncer() {
  local n=$1
  kill_pidfile "pgbouncer shard-$n" "$(bouncer_dir "$n")/pgbouncer.pid" "$(bouncer_dir "$n")/pgbouncer.ini"
}

# ---------------------------------------------------------------- Redis

redis_pidfile() { echo "$DIR/redis/redis.pid"; }
redis_running() { pid_alive "$(pidfile_pid "$(redis_pidfile)")" ":$REDIS_PORT"; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_redis() {
  local i
  if ! redis_running; then
    rm -f "$(redis_pidfile)"
    say "[redis] starting on port $REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$(redis_pidfile)" --dir "$DIR/redis" --logfile "$DIR/log/redis.log" </dev/null >/dev/null 2>&1 || {
      log_tail "$DIR/log/redis.log"
      die "[redis] failed to start"
    }
  fi
  for ((i = 0; i < SERVICE_TIMEOUT * 10; i++)); do
    if redis_running; then
      redis_answers && return 0
    elif [ "$i" -ge 20 ]; then
      break
    fi
    sleep 0.1
  done
  log_tail "$DIR/log/redis.log"
  die "[redis] does not answer PING on port $REDIS_PORT"
}

stop_redis() { kill_pidfile redis "$(redis_pidfile)" ":$REDIS_PORT"; }

# ---------------------------------------------------------------- bring-up chains

port_in_use() { (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

# A port we are about to use must be free: fail early with one clear message.
preflight_ports() {
  local busy=() node n
  for node in "${NODES[@]}"; do
    if ! pg_running "$node" && port_in_use "$(node_port "$node")"; then busy+=("$(node_port "$node") ($node)"); fi
  done
  for n in "${SHARDS[@]}"; do
    if ! bouncer_running "$n" && port_in_use "$(bouncer_port "$n")"; then busy+=("$(bouncer_port "$n") (pgbouncer-shard-$n)"); fi
  done
  if ! redis_running && port_in_use "$REDIS_PORT"; then busy+=("$REDIS_PORT (redis)"); fi
  if [ ${#busy[@]} -gt 0 ]; then
    die "ports in use by other processes: ${busy[*]}; pick another SANDBOX_BASE_PORT"
  fi
}

up_control() {
  ensure_initdb control
  start_pg control
  ensure_bootstrapped control
}

up_shard() {
  local n=$1
  ensure_initdb "shard-$n-primary"
  start_pg "shard-$n-primary"
  ensure_bootstrapped "shard-$n-primary"
  start_bouncer "$n"
  ensure_replica "$n"
  start_pg "shard-$n-replica-1"
  wait_streaming "shard-$n-replica-1"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local t0
  t0=$(now)
  prepare_dirs
  ensure_secrets
  write_ports_env
  preflight_ports
  # Not in an `if`/`||`: that would switch off `set -e` inside the background jobs.
  run_parallel "up failed (logs in $DIR/log)" up_control ";;" up_shard 1 ";;" up_shard 2 ";;" start_redis
  write_fleet_json
  say "fleet up in $(elapsed_since "$t0")s"
  cmd_status >&2 || true
  echo "$DIR/fleet.json"
}

cmd_down() {
  local purge=0
  case "${1:-}" in
    "") ;;
    --purge) purge=1 ;;
    *) die "usage: down [--purge]" ;;
  esac
  if [ -d "$DIR" ]; then
    run_parallel "down failed" stop_bouncer 1 ";;" stop_bouncer 2 ";;" stop_redis ";;" \
      stop_pg shard-1-replica-1 ";;" stop_pg shard-2-replica-1
    run_parallel "down failed" stop_pg control ";;" stop_pg shard-1-primary ";;" stop_pg shard-2-primary
  fi
  if [ "$purge" = 1 ]; then
    [ -n "$SANDBOX_NAME" ] && [ "$DIR" = "$REPO/.sandbox/$SANDBOX_NAME" ] || die "refusing to purge '$DIR'"
    if [ "$RUN_DIR" != "$DIR/run" ] && [[ "$RUN_DIR" == /tmp/shardscope-* ]]; then rm -rf "$RUN_DIR"; fi
    rm -rf "$DIR"
    rm -f "$LOCK_FILE"
    say "purged $DIR"
  else
    say "stopped (data kept in $DIR)"
  fi
}

status_line() { printf '%-24s %-6s %s\n' "$1" "$2" "$3"; }

cmd_status() {
  local all=0 node n state pid
  for node in "${NODES[@]}"; do
    state=down
    if pg_running "$node"; then
      pid=$(pg_pid "$node")
      if [ "$(proc_state "$pid")" = T ]; then state=paused
      elif pg_ready "$node"; then state=up
      else state=starting; fi
    fi
    [ "$state" = up ] || all=3
    status_line "$node" "$(node_port "$node")" "$state"
  done
  for n in "${SHARDS[@]}"; do
    state=down
    bouncer_running "$n" && state=up
    [ "$state" = up ] || all=3
    status_line "pgbouncer-shard-$n" "$(bouncer_port "$n")" "$state"
  done
  state=down
  redis_running && state=up
  [ "$state" = up ] || all=3
  status_line redis "$REDIS_PORT" "$state"
  return "$all"
}

cmd_stop_node() {
  check_node_id "${1:-}"
  if ! pg_running "$1"; then
    say "[$1] already stopped"
    return 0
  fi
  stop_pg "$1" immediate
}

cmd_start_node() {
  local node=${1:-} n
  check_node_id "$node"
  start_pg "$node"
  if is_replica "$node"; then
    n=$(node_shard "$node")
    if pg_ready "shard-$n-primary"; then wait_streaming "$node"; fi
  fi
  say "[$node] up"
}

cmd_pause_node() {
  local node=${1:-} pid
  check_node_id "$node"
  pg_running "$node" || die "[$node] is not running"
  pid=$(pg_pid "$node")
  pause_pg "$node"
  say "[$node] paused (SIGSTOP to postmaster $pid and its children)"
}

cmd_resume_node() {
  local node=${1:-}
  check_node_id "$node"
  if ! pg_running "$node"; then
    say "[$node] not running; nothing to resume"
    return 0
  fi
  unpause_pg "$node"
  say "[$node] resumed"
}

usage() {
  sed -n '7,20p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    up | down | status | stop-node | start-node | pause-node | resume-node) ;;
    *) usage ;;
  esac
  cd /  # every path below is absolute; the postgres user may not read the caller's cwd
  setup_config "$cmd"

  # Serialise mutating commands per sandbox. The lock is held by flock(1) around a
  # re-exec of this script; -o keeps the lock fd out of the daemons we start.
  if [ "$cmd" != status ] && [ -z "${SANDBOX_LOCK_HELD:-}" ] && command -v flock >/dev/null; then
    mkdir -p "$REPO/.sandbox"
    exec env SANDBOX_LOCK_HELD=1 flock -o -w 300 "$LOCK_FILE" \
      bash "$SCRIPT_PATH" "$cmd" "$@"
  fi

  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    stop-node) cmd_stop_node "$@" ;;
    start-node) cmd_start_node "$@" ;;
    pause-node) cmd_pause_node "$@" ;;
    resume-node) cmd_resume_node "$@" ;;
  esac
}

main "$@"
