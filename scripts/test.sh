#!/usr/bin/env bash
# Every test, in order: typecheck, Vitest (unit + integration against a sandbox
# fleet it starts and purges itself), next build, Playwright against next start
# (with its own sandbox fleet). Runs every stage even when one fails, then
# prints one line "N passed, N failed" summing every runner.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS=.test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
# The build under test lives apart from the demo's, so both can run side by side.
export SHARDSCOPE_DIST_DIR=.next-test

stage() { echo; echo "=== $1 ==="; }
record() { echo "$1 $2" >> "$RESULTS/stages.txt"; }

stage "typecheck (tsc --noEmit)"
if npx tsc --noEmit; then record typecheck pass; else record typecheck fail; fi

stage "vitest: unit + integration"
npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS/vitest.json"
record vitest "exit-$?"

stage "next build"
if npx next build; then
  record build pass
  stage "playwright (Debian Chromium against next start)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/playwright.json" npx playwright test --reporter=list,json
  record playwright "exit-$?"
else
  record build fail
fi

stage "summary"
node scripts/test-summary.mjs "$RESULTS"
