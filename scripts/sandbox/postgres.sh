# shellcheck shell=bash
# One Postgres node's data directory and server process, sourced by
# scripts/sandbox.sh (function definitions only): pid and readiness checks, psql as
# the bootstrap superuser over the unix socket (pg_sql), the fixed sandbox settings
# appended to postgresql.conf at initdb and the pg_hba.conf, the per-start settings
# in sandbox.conf (max_connections, WAL archiving; applied to running servers by
# reload or restart), initdb, start and stop through pg_ctl, and pause/unpause by
# SIGSTOP/SIGCONT of the postmaster and its children. Roles and databases are in
# roles.sh, replicas in replicas.sh.

pg_pid() { pidfile_pid "$(node_dir "$1")/postmaster.pid"; }
pg_running() { pid_alive "$(pg_pid "$1")" "$(node_dir "$1")"; }
pg_ready() { "$PG_BIN/pg_isready" -q -h "$RUN_DIR" -p "$(node_port "$1")" -t "${2:-1}" >/dev/null 2>&1; }

# psql as the bootstrap superuser over the unix socket; SQL on stdin or in args.
pg_sql() {
  local node=$1 db=$2; shift 2
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$(node_port "$node")" -U postgres -d "$db" "$@"
}

# Settings shared by every server, appended once at initdb (a replica inherits them
# from its primary's copy). What may change later lives in sandbox.conf, below.
pg_settings() {
  local node=$1
  cat <<EOF

# ---- shardscope sandbox ----
listen_addresses = '127.0.0.1'
port = $(node_port "$node")
unix_socket_directories = '$RUN_DIR'
cluster_name = '$node'
fsync = off
shared_preload_libraries = 'pg_stat_statements'
track_io_timing = on
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
# Tenant moves: a subscription runs an apply worker plus up to 2 table-sync
# workers on its target (each sync worker also holds a slot and a walsender on
# the source); 8 covers two concurrent moves into one shard. Worker processes
# include the logical replication launcher and parallel query workers.
max_logical_replication_workers = 8
max_worker_processes = 16
hot_standby = on
hot_standby_feedback = on
wal_keep_size = '64MB'
password_encryption = 'scram-sha-256'
log_destination = 'stderr'
logging_collector = off
EOF
}

# Each node archives its WAL into its own directory, so pg_stat_archiver shows real
# archived and failed counts. An archived segment is never overwritten: a different
# file under the same name fails (a second server archiving there); the same file
# again succeeds (a crash between the copy and Postgres noting it, as after
# stop-node's immediate stop). The copy lands under a temporary name first, so a
# copy cut short never passes for an archived segment.
archive_command() {
  local file
  file="'$(archive_dir "$1")/%f'"
  printf 'if test -f %s; then cmp -s %%p %s; else cp %%p %s.tmp && mv %s.tmp %s; fi' \
    "$file" "$file" "$file" "$file" "$file"
}

# A standby refuses to start with a max_connections below the primary's value as
# of the last parameter change it replayed (kept in its pg_control). So a replica
# keeps that value until it has replayed its primary's lower one: see
# lower_replica_max_connections in replicas.sh.
node_max_connections() {
  local node=$1 recorded=""
  if is_replica "$node"; then
    recorded=$(as_pg "$PG_BIN/pg_controldata" -D "$(node_dir "$node")" 2>/dev/null |
      sed -n 's/^max_connections setting: *//p' || true)
  fi
  if [[ "$recorded" =~ ^[0-9]+$ ]] && [ "$recorded" -gt "$MAX_CONNECTIONS" ]; then
    echo "$recorded"
  else
    echo "$MAX_CONNECTIONS"
  fi
}

# Settings written on every start: those that follow the environment, and those
# added after older sandboxes were made (their postgresql.conf gets the include).
# The include is postgresql.conf's last line, so these win over earlier lines.
sandbox_conf() {
  local node=$1 max_connections=$2
  cat <<EOF
# Written by scripts/sandbox.sh on every start of this node; edits are lost.
max_connections = $max_connections
archive_mode = on
archive_command = '$(archive_command "$node" | sed "s/'/''/g")'
EOF
}

# write_sandbox_conf NODE MAX_CONNECTIONS: sandbox.conf, its include line and the
# node's archive directory (owned by postgres).
write_sandbox_conf() {
  local node=$1 max_connections=$2 dir archive include="include_if_exists = 'sandbox.conf'"
  dir=$(node_dir "$node")
  archive=$(archive_dir "$node")
  # archive_command quotes the path for sh and would expand a % in it.
  [[ "$archive" != *[\'%]* ]] || die "the sandbox path '$DIR' must not contain ' or %"
  mkdir -p "$archive"
  if [ "$IS_ROOT" = 1 ]; then chown postgres:postgres "$DATA_DIR/archive" "$archive"; fi
  sandbox_conf "$node" "$max_connections" | as_pg tee "$dir/sandbox.conf.tmp" >/dev/null
  as_pg mv "$dir/sandbox.conf.tmp" "$dir/sandbox.conf"
  if ! grep -qxF "$include" "$dir/postgresql.conf"; then
    printf '\n# shardscope sandbox: per-start settings (max_connections, WAL archiving)\n%s\n' \
      "$include" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
  fi
}

# apply_sandbox_conf NODE MAX_CONNECTIONS: a running server takes sandbox.conf,
# archive_command by reload, max_connections and archive_mode only by restart (once
# for a sandbox made before WAL archiving, and whenever SANDBOX_MAX_CONNECTIONS
# changes).
apply_sandbox_conf() {
  local node=$1 max_connections=$2 dir running
  dir=$(node_dir "$node")
  running=$(pg_sql "$node" postgres -c "SELECT current_setting('max_connections') || ', archive_mode ' || current_setting('archive_mode')")
  if [ "$running" != "$max_connections, archive_mode on" ]; then
    say "[$node] restarting for max_connections $max_connections, archive_mode on (running with max_connections $running)"
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$(node_log "$node")" -m fast -w -t "$START_TIMEOUT" restart >/dev/null || {
      log_tail "$(node_log "$node")"
      die "[$node] restart failed"
    }
  elif [ "$(pg_sql "$node" postgres -c 'SHOW archive_command')" != "$(archive_command "$node")" ]; then
    say "[$node] reloading for its archive_command"
    as_pg "$PG_BIN/pg_ctl" -D "$dir" reload >/dev/null || die "[$node] reload failed"
  fi
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
      >"$DATA_DIR/log/initdb-$node.log" 2>&1; then
    log_tail "$DATA_DIR/log/initdb-$node.log"
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

# Starts the node, or brings a running one to the current sandbox.conf.
start_pg() {
  local node=$1 dir pid out max_connections
  dir=$(node_dir "$node")
  [ -f "$dir/PG_VERSION" ] || die "[$node] no data directory at $dir (run 'up')"
  max_connections=$(node_max_connections "$node")
  if pg_running "$node"; then
    pid=$(pg_pid "$node")
    if [ "$(proc_state "$pid")" = T ]; then die "[$node] is paused; run 'resume-node $node'"; fi
    write_sandbox_conf "$node" "$max_connections"
    wait_pg_ready "$node"
    apply_sandbox_conf "$node" "$max_connections"
  else
    write_sandbox_conf "$node" "$max_connections"
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
