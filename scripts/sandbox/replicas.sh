# shellcheck shell=bash
# Streaming replicas, sourced by scripts/sandbox.sh (function definitions only). A
# shard's replica is made once by pg_basebackup -R from its primary through a
# physical replication slot, into a .tmp directory renamed when complete, with its
# own port and cluster_name appended to postgresql.auto.conf; wait_streaming waits
# until its WAL receiver reports 'streaming'; lower_replica_max_connections finishes
# a lowered SANDBOX_MAX_CONNECTIONS on a replica.

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
      >"$DATA_DIR/log/basebackup-$node.log" 2>&1; then
    log_tail "$DATA_DIR/log/basebackup-$node.log"
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

# A replica that had to start with its primary's old, higher max_connections
# (node_max_connections) takes the requested value once it has replayed the
# primary's WAL up to now, which holds the lower setting.
lower_replica_max_connections() {
  local n=$1 node target i replayed=f
  node=shard-$n-replica-1
  [ "$(pg_sql "$node" postgres -c 'SHOW max_connections')" -gt "$MAX_CONNECTIONS" ] || return 0
  target=$(pg_sql "shard-$n-primary" postgres -c 'SELECT pg_current_wal_lsn()')
  for ((i = 0; i < STREAM_TIMEOUT * 10; i++)); do
    replayed=$(pg_sql "$node" postgres -c "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null || true)
    [ "$replayed" = t ] && break
    sleep 0.1
  done
  [ "$replayed" = t ] || die "[$node] has not replayed its primary's WAL up to $target after ${STREAM_TIMEOUT}s"
  start_pg "$node"
  wait_streaming "$node"
}
