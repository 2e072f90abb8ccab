#!/usr/bin/env bash
# Local sandbox fleet for Shardscope: a control-plane Postgres, Redis, two shards,
# each a primary + streaming replica + PgBouncer, and a Prometheus node exporter for
# host metrics. Every Postgres archives its WAL locally. Everything runs from
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
#   SANDBOX_MAX_CONNECTIONS  default 100: max_connections of every Postgres, applied
#                      by each `up`/`start-node` (a running server whose value differs
#                      is restarted). Not recorded: pass it on every `up`.
#
# Ports (B = SANDBOX_BASE_PORT):
#   B+0 control Postgres (db shardscope)   B+1 Redis   B+3 node exporter (/metrics)
#   B+10*N primary, B+10*N+1 replica, B+10*N+2 PgBouncer of shard N (N = 1, 2; db app)
#
# Layout of $DIR = .sandbox/$SANDBOX_NAME:
#   pg/<node-id>/          data directories (cluster_name = node id); sandbox.conf in
#                          each holds max_connections and archiving, rewritten per start
#   archive/<node-id>/     archived WAL segments (archive_mode = on; only primaries
#                          archive, a standby's archiver stays idle); grows until --purge
#   run/                   unix sockets of Postgres and PgBouncer (a symlink to
#                          /tmp/shardscope-<hash> when the real path would be too long)
#   log/<name>.log         Postgres (<node-id>), pgbouncer-shard-N, redis, node-exporter
#   pgbouncer/shard-N/     pgbouncer.ini, userlist.txt, pgbouncer.pid
#   redis/                 redis.pid, working dir
#   node-exporter/         node-exporter.pid
#   secrets.env            SANDBOX_PASSWORD=<hex>, generated once (mode 600)
#   ports.env              ports, RUN_DIR, paths: for other scripts and tests
#   fleet.json             the console's fleet file (mode 600); every node's metricsUrl
#                          is the node exporter (they all share this host)
# Run as root from a checkout the postgres OS user cannot traverse (a clone under
# /root, say), a new sandbox keeps pg/, log/, archive/, pgbouncer/ and run/ in
# /var/lib/shardscope/<name>-<hash of the checkout's path> (owned by postgres, mode
# 700) and links them from $DIR; `up` prints one line naming it, `down --purge`
# deletes it. ports.env records it as DATA_DIR.
#
# Roles (password $SANDBOX_PASSWORD): shardscope_admin (superuser), shardscope_monitor
# (pg_monitor, pg_signal_backend), and on shard primaries app and replicator.
# Bootstrap superuser `postgres`, trusted on the unix socket only.
# As root, Postgres and PgBouncer run as the `postgres` OS user (Redis and the node
# exporter as root).
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PGBOUNCER_BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
NODE_EXPORTER_BIN=$(command -v prometheus-node-exporter || echo /usr/bin/prometheus-node-exporter)
SCRIPT_PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO=$(dirname "$(dirname "$SCRIPT_PATH")")

SANDBOX_NAME=${SANDBOX_NAME:-demo}
DIR=$REPO/.sandbox/$SANDBOX_NAME
LOCK_FILE=$REPO/.sandbox/.$SANDBOX_NAME.lock   # serialises mutating commands
DATA_ROOT=/var/lib/shardscope   # relocated DATA_DIRs (see resolve_data_dir)
SHARDS=(1 2)
NODES=(control shard-1-primary shard-1-replica-1 shard-2-primary shard-2-replica-1)
START_TIMEOUT=30      # s, Postgres start
STREAM_TIMEOUT=15     # s, replica reaching 'streaming'
SERVICE_TIMEOUT=10    # s, PgBouncer / Redis / node exporter answering

# Connection settings from the caller's environment must not leak into our psql calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS

IS_ROOT=0
if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1; fi

# The functions live in scripts/sandbox/, one concern per file, sourced from this
# script's own directory (so it runs from any cwd). They only define functions.
LIB_DIR=$(dirname "$SCRIPT_PATH")/sandbox
source "$LIB_DIR/common.sh"     # say/die, as_pg, pid & process helpers, run_parallel
source "$LIB_DIR/config.sh"     # base port, RUN_DIR, max_connections, ports & node ids, password
source "$LIB_DIR/files.sh"      # sandbox dirs, secrets.env, ports.env, fleet.json
source "$LIB_DIR/postgres.sh"   # initdb, settings, WAL archiving, start/stop/pause of one node
source "$LIB_DIR/roles.sh"      # roles and databases (once per data dir)
source "$LIB_DIR/replicas.sh"   # pg_basebackup replicas, wait for streaming
source "$LIB_DIR/pgbouncer.sh"  # one PgBouncer per shard
source "$LIB_DIR/redis.sh"      # Redis
source "$LIB_DIR/node-exporter.sh"  # Prometheus node exporter (host metrics)
source "$LIB_DIR/commands.sh"   # cmd_* and the bring-up chains of `up`

usage() {
  sed -n '/^# Usage:/,/^#   Node ids:/p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//' >&2
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
