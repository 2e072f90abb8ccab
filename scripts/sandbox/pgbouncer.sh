# shellcheck shell=bash
# One PgBouncer per shard in front of its primary, sourced by scripts/sandbox.sh
# (function definitions only). pgbouncer.ini and userlist.txt are rewritten on each
# start (transaction pooling, scram-sha-256, admin and stats users); it runs
# daemonised as the postgres OS user, and start waits until our own process answers
# SHOW VERSION on its admin console. Stopped through its pid file.

bouncer_dir() { echo "$DATA_DIR/pgbouncer/shard-$1"; }
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
logfile = $DATA_DIR/log/pgbouncer-shard-$n.log
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
      log_tail "$DATA_DIR/log/pgbouncer-shard-$n.log"
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
  log_tail "$DATA_DIR/log/pgbouncer-shard-$n.log"
  die "[pgbouncer shard-$n] does not answer SHOW VERSION on port $(bouncer_port "$n")"
}

stop_bouncer() {
  local n=$1
  kill_pidfile "pgbouncer shard-$n" "$(bouncer_dir "$n")/pgbouncer.pid" "$(bouncer_dir "$n")/pgbouncer.ini"
}
