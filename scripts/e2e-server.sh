#!/usr/bin/env bash
# Playwright's web server: a fresh e2e sandbox fleet (migrated, small seed),
# a worker sampling it (every $SHARDSCOPE_SAMPLE_INTERVAL_S s), then
# `next start` on the build in $SHARDSCOPE_DIST_DIR (built if missing).
# The script lives as long as `next start`; when it ends, or the script is
# stopped, the worker is stopped too (a worker that dies leaves the server up:
# the history tests then fail on "no samples yet").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SANDBOX_NAME:?}" "${SANDBOX_BASE_PORT:?}" "${PORT:?}"

bash scripts/sandbox.sh down --purge >&2
bash scripts/sandbox.sh up >&2
node --import tsx scripts/migrate.ts
node --import tsx scripts/seed.ts --tenants 24

children=()
stop_children() {
  trap - EXIT INT TERM
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The worker stops pg-boss gracefully on SIGTERM; give it a moment, no more.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 0.5
  done
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap stop_children EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Started before the build so that samples accumulate while it runs.
SHARDSCOPE_SAMPLE_INTERVAL_S="${SHARDSCOPE_SAMPLE_INTERVAL_S:-2}" node --import tsx worker/index.ts >&2 &
children+=("$!")

[ -f "${SHARDSCOPE_DIST_DIR:-.next}/BUILD_ID" ] || npx next build
# The next binary itself (not npx), so that the signal reaches the server.
node_modules/.bin/next start -p "$PORT" -H 127.0.0.1 &
next_pid=$!
children+=("$next_pid")
wait "$next_pid"
