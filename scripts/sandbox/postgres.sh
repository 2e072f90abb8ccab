# shellcheck shell=bash
# One Postgres node's data directory and server process, sourced by
# scripts/sandbox.sh (function definitions only): pid and readiness checks, psql as
# the bootstrap superuser over the unix socket (pg_sql), the sandbox settings
# appended to postgresql.conf and the pg_hba.conf, initdb, start and stop through
# pg_ctl, and pause/unpause by SIGSTOP/SIGCONT of the postmaster and its children.
# Roles and databases are in roles.sh, replicas in replicas.sh.

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
