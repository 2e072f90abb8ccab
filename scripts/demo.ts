// `npm run demo`: sandbox fleet up → migrate → seed → build (if stale) → next start
// + a worker + demo load → print the URL and the logins. Ctrl-C stops what it started.
// Re-running reuses what exists: the fleet's data, the seed, the build, the logins.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SANDBOX_NAME = process.env.SANDBOX_NAME ?? 'demo';
const SANDBOX_BASE_PORT = process.env.SANDBOX_BASE_PORT ?? '24300';
const WEB_PORT = process.env.PORT ?? '3000';
const DIST_DIR = process.env.SHARDSCOPE_DIST_DIR ?? '.next';
const sandboxDir = path.resolve('.sandbox', SANDBOX_NAME);
const NEXT_BIN = path.resolve('node_modules/.bin/next');
const sandboxEnv = { ...process.env, SANDBOX_NAME, SANDBOX_BASE_PORT };

function say(message: string): void {
  console.log(`[demo] ${message}`);
}

function sandbox(...args: string[]) {
  return spawnSync('bash', ['scripts/sandbox.sh', ...args], { env: sandboxEnv, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

function runStep(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  say(label);
  const result = spawnSync(command, args, { env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
}

interface ConsoleLogins {
  SHARDSCOPE_SESSION_SECRET: string;
  SHARDSCOPE_ADMIN_PASSWORD: string;
  SHARDSCOPE_OPERATOR_PASSWORD: string;
  SHARDSCOPE_VIEWER_PASSWORD: string;
  SHARDSCOPE_METRICS_TOKEN: string;
  SHARDSCOPE_APP_TOKEN: string;
}

/** Generated once per sandbox and kept beside it; any of them can be set in the env instead. */
function consoleLogins(): ConsoleLogins {
  const file = path.join(sandboxDir, 'console-logins.json');
  const saved: Partial<ConsoleLogins> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secret = () => randomBytes(12).toString('base64url');
  const logins: ConsoleLogins = {
    SHARDSCOPE_SESSION_SECRET: process.env.SHARDSCOPE_SESSION_SECRET ?? saved.SHARDSCOPE_SESSION_SECRET ?? randomBytes(32).toString('hex'),
    SHARDSCOPE_ADMIN_PASSWORD: process.env.SHARDSCOPE_ADMIN_PASSWORD ?? saved.SHARDSCOPE_ADMIN_PASSWORD ?? secret(),
    SHARDSCOPE_OPERATOR_PASSWORD: process.env.SHARDSCOPE_OPERATOR_PASSWORD ?? saved.SHARDSCOPE_OPERATOR_PASSWORD ?? secret(),
    SHARDSCOPE_VIEWER_PASSWORD: process.env.SHARDSCOPE_VIEWER_PASSWORD ?? saved.SHARDSCOPE_VIEWER_PASSWORD ?? secret(),
    SHARDSCOPE_METRICS_TOKEN: process.env.SHARDSCOPE_METRICS_TOKEN ?? saved.SHARDSCOPE_METRICS_TOKEN ?? randomBytes(24).toString('hex'),
    SHARDSCOPE_APP_TOKEN: process.env.SHARDSCOPE_APP_TOKEN ?? saved.SHARDSCOPE_APP_TOKEN ?? randomBytes(24).toString('hex'),
  };
  writeFileSync(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return logins;
}

function newestSourceMtime(entries: string[]): number {
  let newest = 0;
  for (const entry of entries) {
    if (!existsSync(entry)) continue;
    const stat = statSync(entry);
    if (stat.isDirectory()) newest = Math.max(newest, newestSourceMtime(readdirSync(entry).map((child) => path.join(entry, child))));
    else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const buildId = path.join(DIST_DIR, 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const sources = ['app', 'components', 'lib', 'proxy.ts', 'instrumentation.ts', 'next.config.js', 'package.json'];
  return newestSourceMtime(sources) > statSync(buildId).mtimeMs;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the console did not answer ${url} within ${timeoutMs / 1000} s`);
}

const children: ChildProcess[] = [];
let sandboxStartedHere = false;
let stopping = false;

function stopEverything(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  if (sandboxStartedHere) sandbox('down');
  process.exit(exitCode);
}

process.on('SIGINT', () => stopEverything(0));
process.on('SIGTERM', () => stopEverything(0));

async function main(): Promise<void> {
  sandboxStartedHere = sandbox('status').status !== 0;
  say(`sandbox fleet "${SANDBOX_NAME}" on ports ${SANDBOX_BASE_PORT}+`);
  const up = sandbox('up');
  if (up.status !== 0) throw new Error('sandbox up failed');
  const fleetFile = up.stdout.trim().split('\n').pop()!;

  const logins = consoleLogins();
  const env = {
    SHARDSCOPE_PUBLIC_URL: `http://localhost:${WEB_PORT}`,
    ...process.env,
    ...logins,
    SHARDSCOPE_FLEET_FILE: fleetFile,
    SHARDSCOPE_DIST_DIR: DIST_DIR,
  };
  runStep('migrating control plane and shards', process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], env);
  runStep('seeding demo tenants (skipped when already seeded)', process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], env);
  if (buildIsStale()) runStep('building the console (next build)', NEXT_BIN, ['build'], env);
  else say('build is up to date');

  say(`starting the console on port ${WEB_PORT}`);
  const server = spawn(NEXT_BIN, ['start', '-p', WEB_PORT], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(server);
  server.on('exit', (code) => {
    if (!stopping) {
      console.error(`[demo] the console exited (code ${code})`);
      stopEverything(1);
    }
  });
  await waitForHealth(`http://127.0.0.1:${WEB_PORT}/api/health`, 60_000);

  // The worker samples the fleet into the metric history (charts, /api/metrics).
  const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/index.ts'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(worker);
  worker.on('exit', (code) => {
    if (!stopping) console.error(`[demo] the worker exited (code ${code}); the live pages keep working, the charts stop filling`);
  });

  const load = spawn(process.execPath, ['--import', 'tsx', 'scripts/load.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(load);

  console.log(`
  Shardscope is running: http://localhost:${WEB_PORT}
    admin     ${logins.SHARDSCOPE_ADMIN_PASSWORD}
    operator  ${logins.SHARDSCOPE_OPERATOR_PASSWORD}
    viewer    ${logins.SHARDSCOPE_VIEWER_PASSWORD}
  (logins are kept in ${path.relative(process.cwd(), sandboxDir)}/console-logins.json)
  Prometheus: curl -H 'Authorization: Bearer ${logins.SHARDSCOPE_METRICS_TOKEN}' http://localhost:${WEB_PORT}/api/metrics
  Apps (tenant routes): curl -H 'Authorization: Bearer ${logins.SHARDSCOPE_APP_TOKEN}' http://localhost:${WEB_PORT}/api/tenants/<tenant id>/route
  Demo load is running against the shards through PgBouncer; a worker samples every node every
  ${process.env.SHARDSCOPE_SAMPLE_INTERVAL_S ?? 15} s into the history (charts fill after two rounds; \`npm run worker\` adds another).
  Ctrl-C stops everything this command started.
`);
}

main().catch((error: unknown) => {
  console.error(`[demo] ${(error as Error).message}`);
  stopEverything(1);
});
