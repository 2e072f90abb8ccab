import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * The integration sandbox: its own name and ports, so it runs beside the demo
 * (base 24300) and the e2e sandbox (24700). Port layout: see scripts/sandbox.sh.
 * SHARDSCOPE_IT_SANDBOX / SHARDSCOPE_IT_BASE_PORT give a second checkout or a
 * parallel run its own.
 */
export const INTEGRATION_SANDBOX = {
  name: process.env.SHARDSCOPE_IT_SANDBOX ?? 'it',
  basePort: Number(process.env.SHARDSCOPE_IT_BASE_PORT ?? 24500),
} as const;

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const sandboxDir = path.join(repoRoot, '.sandbox', INTEGRATION_SANDBOX.name);
export const fleetFilePath = path.join(sandboxDir, 'fleet.json');

export function sandbox(...args: string[]): string {
  return execFileSync('bash', [path.join(repoRoot, 'scripts', 'sandbox.sh'), ...args], {
    env: { ...process.env, SANDBOX_NAME: INTEGRATION_SANDBOX.name, SANDBOX_BASE_PORT: String(INTEGRATION_SANDBOX.basePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
}

export function nodePort(shard: number, role: 'primary' | 'replica'): number {
  return INTEGRATION_SANDBOX.basePort + shard * 10 + (role === 'replica' ? 1 : 0);
}

function sandboxPassword(): string {
  const secrets = readFileSync(path.join(sandboxDir, 'secrets.env'), 'utf8');
  const match = /^SANDBOX_PASSWORD=(\S+)$/m.exec(secrets);
  if (!match) throw new Error('secrets.env has no SANDBOX_PASSWORD');
  return match[1];
}

/** A superuser connection to one node: the tests play the operator at a psql prompt. */
export async function withSuperuser<T>(port: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `postgres://shardscope_admin:${sandboxPassword()}@127.0.0.1:${port}/app` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}

/**
 * A connection as the application role `app` (not a superuser, so the console's
 * monitoring role may signal it), tagged with `applicationName`. The 'error'
 * listener keeps a terminated connection from crashing the test process; the
 * caller ends it.
 */
export async function connectAsApp(port: number, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `postgres://app:${sandboxPassword()}@127.0.0.1:${port}/app`, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * Live overview round trips that reached a shard primary so far: calls of the
 * node-vitals statement in its pg_stat_statements (the sampler's statements
 * carry a marker and are left out).
 */
export async function overviewRoundTrips(shard: number): Promise<number> {
  return withSuperuser(nodePort(shard, 'primary'), async (client) => {
    const { rows } = await client.query(
      `select coalesce(sum(calls), 0)::int as calls from pg_stat_statements
       where query like '%pg_is_wal_replay_paused()%'
         and query not like '%pg_stat_statements%'
         and query not like '%shardscope:sampler%'`,
    );
    return rows[0].calls as number;
  });
}
