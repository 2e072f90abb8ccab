# shellcheck shell=bash
# Configuration derived from the environment, sourced by scripts/sandbox.sh
# (function definitions only). setup_config validates SANDBOX_NAME, resolves the
# base port (an existing sandbox keeps the one recorded in ports.env), where the
# files of the postgres OS user live (DATA_DIR: $DIR, or a directory of its own
# under /var/lib/shardscope when root runs us from a checkout that user cannot
# reach), the unix socket directory (RUN_DIR, shortened under /tmp when the path
# would be too long), checks SANDBOX_MAX_CONNECTIONS, and sets BASE, CONTROL_PORT,
# REDIS_PORT, NODE_EXPORTER_PORT and MAX_CONNECTIONS. The rest maps shards and node
# ids to ports, data and WAL archive directories, logs and shard numbers, checks
# node ids, and loads SANDBOX_PASSWORD from secrets.env.

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

# The postgres OS user reaches PATH when it may search the nearest existing
# directory on the way there (and so every directory above it).
postgres_reaches() {
  local path=$1
  while [ ! -e "$path" ]; do path=$(dirname "$path"); done
  runuser -u postgres -- test -x "$path" 2>/dev/null
}

# Everything the postgres OS user opens (data directories, WAL archive, logs,
# PgBouncer's config, secrets and pid files, sockets) lives under DATA_DIR. That is
# $DIR, unless root runs us from a checkout the postgres user cannot traverse (a
# clone under /root, say): then a new sandbox keeps them in a directory of its own
# under $DATA_ROOT, named after the sandbox and a hash of the checkout's path (two
# clones never share one), reached from $DIR through symlinks (pg, log, archive,
# pgbouncer, run) which also record the choice for later commands. A sandbox that
# already has data directories in $DIR keeps them there.
resolve_data_dir() {
  local cmd=$1
  DATA_DIR=$DIR
  if [ -L "$DIR/pg" ]; then
    DATA_DIR=$(dirname "$(readlink "$DIR/pg")")
  elif [ "$cmd" = up ] && [ "$IS_ROOT" = 1 ] && ! compgen -G "$DIR/pg/*/PG_VERSION" >/dev/null &&
      ! postgres_reaches "$(dirname "$DIR")"; then
    DATA_DIR=$DATA_ROOT/$SANDBOX_NAME-$(printf '%s' "$REPO" | sha1sum | cut -c1-12)
  fi
}

# The unix socket path ($RUN_DIR/.s.PGSQL.NNNNN) must fit in 107 bytes.
resolve_run_dir() {
  local candidate=$DATA_DIR/run socket_name=/.s.PGSQL.65535
  if [ -L "$DIR/run" ]; then
    RUN_DIR=$(readlink "$DIR/run")
  elif [ $((${#candidate} + ${#socket_name})) -le 107 ]; then
    RUN_DIR=$candidate
  else
    RUN_DIR=/tmp/shardscope-$(printf '%s' "$DIR" | sha1sum | cut -c1-16)
  fi
}

# max_connections of every server. Not recorded: each `up`/`start-node` applies the
# value it is given (default 100), restarting a running server whose value differs.
resolve_max_connections() {
  MAX_CONNECTIONS=${SANDBOX_MAX_CONNECTIONS:-100}
  [[ "$MAX_CONNECTIONS" =~ ^[0-9]+$ ]] && [ "$MAX_CONNECTIONS" -ge 10 ] && [ "$MAX_CONNECTIONS" -le 10000 ] ||
    die "SANDBOX_MAX_CONNECTIONS must be a number between 10 and 10000 (got '$MAX_CONNECTIONS')"
}

setup_config() {
  [[ "$SANDBOX_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "bad SANDBOX_NAME '$SANDBOX_NAME'"
  resolve_base_port "$1"
  resolve_data_dir "$1"
  resolve_run_dir
  resolve_max_connections
  CONTROL_PORT=$BASE
  REDIS_PORT=$((BASE + 1))
  NODE_EXPORTER_PORT=$((BASE + 3))
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
node_dir() { echo "$DATA_DIR/pg/$1"; }
archive_dir() { echo "$DATA_DIR/archive/$1"; }
node_log() { echo "$DATA_DIR/log/$1.log"; }
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
