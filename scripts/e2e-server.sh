#!/usr/bin/env bash
# Playwright's web server: a fresh e2e sandbox fleet (migrated, small seed),
# then `next start` on the build in $SHARDSCOPE_DIST_DIR (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SANDBOX_NAME:?}" "${SANDBOX_BASE_PORT:?}" "${PORT:?}"

bash scripts/sandbox.sh down --purge >&2
bash scripts/sandbox.sh up >&2
node --import tsx scripts/migrate.ts
node --import tsx scripts/seed.ts --tenants 24
[ -f "${SHARDSCOPE_DIST_DIR:-.next}/BUILD_ID" ] || npx next build
exec npx next start -p "$PORT" -H 127.0.0.1
