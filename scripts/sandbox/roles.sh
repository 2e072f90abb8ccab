# shellcheck shell=bash
# Roles and databases, sourced by scripts/sandbox.sh (function definitions only).
# Every server gets shardscope_admin (superuser) and shardscope_monitor (pg_monitor,
# pg_signal_backend; on shard primaries also pg_read_all_data, which EXPLAIN needs);
# control also gets the shardscope database, shard primaries the app and replicator
# roles, the app database and pg_stat_statements. All of it runs once per data
# directory and ROLES_VERSION: a sandbox_bootstrapped marker inside it records that.

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
-- EXPLAIN needs SELECT on the tables it plans: read everything, write nothing.
GRANT pg_read_all_data TO shardscope_monitor;
-- Resetting a replica's statement statistics goes through the monitoring role
-- (the fleet file has no owner connection to replicas); granted here, it reaches
-- the replicas through WAL.
GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO shardscope_monitor;
EOF
  } | pg_sql "$node" postgres >/dev/null
}

# Bump when the SQL above changes: an existing sandbox runs it again on its next
# start (every statement is idempotent), so new grants reach old data dirs.
ROLES_VERSION=2

# Roles/databases are created once per data dir and version; a marker inside it records that.
ensure_bootstrapped() {
  local node=$1 marker
  marker=$(node_dir "$node")/sandbox_bootstrapped
  [ "$(cat "$marker" 2>/dev/null)" = "$ROLES_VERSION" ] && return 0
  say "[$node] creating roles and databases (version $ROLES_VERSION)"
  if [ "$node" = control ]; then bootstrap_control; else bootstrap_shard_primary "$node"; fi ||
    die "[$node] bootstrap SQL failed"
  echo "$ROLES_VERSION" | as_pg tee "$marker" >/dev/null
}
