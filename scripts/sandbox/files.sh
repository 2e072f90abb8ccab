# shellcheck shell=bash
# The sandbox directory and the files written into it for other tools, sourced by
# scripts/sandbox.sh (function definitions only): the directory tree, its
# ownership and the links to a relocated DATA_DIR (prepare_dirs), secrets.env with
# the generated password (mode 600, created once), ports.env (ports and paths for
# other scripts and tests) and fleet.json (the console's fleet file, mode 600).
# Files are written to a .tmp sibling and renamed into place.

# The directories the postgres OS user writes live under DATA_DIR (see
# resolve_data_dir); when that is not $DIR, $DIR links to them. Directories left
# in $DIR by an `up` that failed before this relocation existed hold no data
# directory (resolve_data_dir checked): they give way to the links.
prepare_dirs() {
  local name
  mkdir -p "$DIR"/{redis,node-exporter}
  chmod 755 "$DIR"
  if [ "$DATA_DIR" != "$DIR" ]; then
    mkdir -p "$DATA_ROOT"
    chmod 755 "$DATA_ROOT"
    mkdir -p "$DATA_DIR"
    chown postgres:postgres "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    for name in pg log archive pgbouncer; do
      [ -L "$DIR/$name" ] || rm -rf "${DIR:?}/$name"
      ln -sfn "$DATA_DIR/$name" "$DIR/$name"
    done
    if [ ! -L "$DIR/run" ]; then rm -rf "${DIR:?}/run"; fi
    say "$DIR is not reachable by the postgres OS user; Postgres data lives in $DATA_DIR"
  fi
  mkdir -p "$DATA_DIR"/{pg,log,archive,pgbouncer/shard-1,pgbouncer/shard-2}
  mkdir -p "$RUN_DIR"
  if [ "$RUN_DIR" != "$DIR/run" ] && [ ! -L "$DIR/run" ]; then ln -s "$RUN_DIR" "$DIR/run"; fi
  chmod 755 "$RUN_DIR"
  own_pg "$DATA_DIR/pg" "$DATA_DIR/log" "$DATA_DIR/pgbouncer" "$RUN_DIR"
  if [ "$IS_ROOT" = 1 ] && ! runuser -u postgres -- test -w "$DATA_DIR/pg"; then
    die "the postgres OS user cannot write $DATA_DIR/pg (a parent directory is not traversable?)"
  fi
}

ensure_secrets() {
  local file=$DIR/secrets.env
  if [ ! -f "$file" ]; then
    if compgen -G "$DATA_DIR/pg/*/PG_VERSION" >/dev/null; then
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
    echo "DATA_DIR=$DATA_DIR"
    echo "RUN_DIR=$RUN_DIR"
    echo "FLEET_FILE=$DIR/fleet.json"
    echo "SECRETS_FILE=$DIR/secrets.env"
    echo "CONTROL_PORT=$CONTROL_PORT"
    echo "REDIS_PORT=$REDIS_PORT"
    echo "NODE_EXPORTER_PORT=$NODE_EXPORTER_PORT"
    for n in "${SHARDS[@]}"; do
      echo "SHARD_${n}_PRIMARY_PORT=$(primary_port "$n")"
      echo "SHARD_${n}_REPLICA_PORT=$(replica_port "$n")"
      echo "SHARD_${n}_PGBOUNCER_PORT=$(bouncer_port "$n")"
    done
  } >"$tmp"
  mv "$tmp" "$DIR/ports.env"
}

# Every node's host metrics come from the one node exporter (they share this host);
# dataMountpoint names the filesystem holding the data directories.
write_fleet_json() {
  local pw=$SANDBOX_PASSWORD file=$DIR/fleet.json tmp=$DIR/fleet.json.tmp n sep mountpoint
  local metrics="\"metricsUrl\": \"http://127.0.0.1:$NODE_EXPORTER_PORT/metrics\""
  mountpoint=$(df --output=target "$DATA_DIR/pg" 2>/dev/null | tail -n 1 || true)
  if [[ "$mountpoint" == /* ]] && [[ "$mountpoint" != *[\"\\]* ]]; then
    metrics+=", \"dataMountpoint\": \"$mountpoint\""
  fi
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
        { "id": "shard-$n-primary", "role": "primary", "url": "postgres://shardscope_monitor:$pw@127.0.0.1:$(primary_port "$n")/app", $metrics },
        { "id": "shard-$n-replica-1", "role": "replica", "url": "postgres://shardscope_monitor:$pw@127.0.0.1:$(replica_port "$n")/app", $metrics }
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
