#!/usr/bin/env bash
# Idempotent set-up for a fresh clone: Debian packages for the local fleet and
# the browser tests, then npm packages when node_modules is missing or stale.
# `npm run demo` and `npm test` both run this first.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
# postgresql-15-hypopg: hypothetical indexes for the index suggestion (the shard
# migration creates the extension where the package is installed).
APT_PACKAGES=(postgresql postgresql-15-hypopg redis-server pgbouncer prometheus-node-exporter chromium)
PG_EXTENSION_DIR=/usr/share/postgresql/15/extension

say() { echo "[bootstrap] $*" >&2; }

node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=9)?0:1)'
}

missing_packages() {
  local missing=()
  [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/pg_basebackup" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  # A machine bootstrapped before hypopg joined the list has every binary but not this.
  [ -f "$PG_EXTENSION_DIR/hypopg.control" ] || missing+=(postgresql-15-hypopg)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  [ -x /usr/bin/prometheus-node-exporter ] || missing+=(prometheus-node-exporter)
  command -v chromium >/dev/null || missing+=(chromium)
  echo "${missing[@]:-}"
}

if ! node_ok; then
  say "Node.js >= 20.9 is required (found $(node -v))."
  exit 1
fi

missing=$(missing_packages)
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
    # The packages' own services are not used: the sandbox runs its own servers.
  else
    say "missing Debian packages ($missing). Run as root:"
    say "  sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES[*]}"
    exit 1
  fi
fi

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
