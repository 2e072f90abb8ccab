// Sums every runner's results into one line "N passed, N failed" and exits
// non-zero when anything failed or a runner produced no report.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.test-results';
const stages = Object.fromEntries(
  readFileSync(path.join(dir, 'stages.txt'), 'utf8').trim().split('\n').map((line) => line.split(' ')),
);
let passed = 0;
let failed = 0;
const lines = [];

for (const check of ['typecheck', 'build']) {
  if (!(check in stages)) continue;
  if (stages[check] === 'pass') passed += 1;
  else failed += 1;
  lines.push(`${check}: ${stages[check]}`);
}

function readJson(file) {
  const full = path.join(dir, file);
  return existsSync(full) ? JSON.parse(readFileSync(full, 'utf8')) : null;
}

const vitest = readJson('vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  // A suite that failed to load (e.g. global setup) counts as one failure even with no test run.
  if (vitest.numFailedTestSuites > 0 && vitest.numFailedTests === 0) failed += vitest.numFailedTestSuites;
  lines.push(`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed, ${vitest.numFailedTestSuites} failed files`);
} else if ('vitest' in stages) {
  failed += 1;
  lines.push('vitest: no report');
}

const playwright = readJson('playwright.json');
if (playwright) {
  const { expected = 0, unexpected = 0, flaky = 0 } = playwright.stats ?? {};
  passed += expected + flaky;
  failed += unexpected + (playwright.errors?.length ?? 0);
  lines.push(`playwright: ${expected + flaky} passed, ${unexpected} failed, ${playwright.errors?.length ?? 0} errors`);
} else if ('playwright' in stages) {
  failed += 1;
  lines.push('playwright: no report');
}

for (const line of lines) console.log(`  ${line}`);
if (passed === 0) failed = Math.max(failed, 1);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
