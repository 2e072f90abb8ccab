# shellcheck shell=bash
# What each command of scripts/sandbox.sh does, sourced by it (function definitions
# only): cmd_up, cmd_down, cmd_status, cmd_stop_node, cmd_start_node, cmd_pause_node
# and cmd_resume_node. Also the bring-up chains that `up` runs in parallel (control;
# each shard's primary, roles, PgBouncer and replica; Redis; the node exporter) and
# the preflight check that none of our ports is held by a process of someone else.

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
  if ! node_exporter_running && port_in_use "$NODE_EXPORTER_PORT"; then busy+=("$NODE_EXPORTER_PORT (node-exporter)"); fi
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
  lower_replica_max_connections "$n"
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
  run_parallel "up failed (logs in $DIR/log)" up_control ";;" up_shard 1 ";;" up_shard 2 ";;" start_redis ";;" start_node_exporter
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
    run_parallel "down failed" stop_bouncer 1 ";;" stop_bouncer 2 ";;" stop_redis ";;" stop_node_exporter ";;" \
      stop_pg shard-1-replica-1 ";;" stop_pg shard-2-replica-1
    run_parallel "down failed" stop_pg control ";;" stop_pg shard-1-primary ";;" stop_pg shard-2-primary
  fi
  if [ "$purge" = 1 ]; then
    [ -n "$SANDBOX_NAME" ] && [ "$DIR" = "$REPO/.sandbox/$SANDBOX_NAME" ] || die "refusing to purge '$DIR'"
    if [ "$RUN_DIR" != "$DIR/run" ] && [[ "$RUN_DIR" == /tmp/shardscope-* ]]; then rm -rf "$RUN_DIR"; fi
    if [ "$DATA_DIR" != "$DIR" ]; then
      [[ "$DATA_DIR" =~ ^$DATA_ROOT/$SANDBOX_NAME-[0-9a-f]{12}$ ]] || die "refusing to purge '$DATA_DIR'"
      rm -rf "$DATA_DIR"
      say "purged $DATA_DIR"
    fi
    rm -rf "$DIR"
    rm -f "$LOCK_FILE"
    say "purged $DIR"
  else
    say "stopped (data kept in $DATA_DIR)"
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
  state=down
  node_exporter_running && state=up
  [ "$state" = up ] || all=3
  status_line node-exporter "$NODE_EXPORTER_PORT" "$state"
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
