// The statements page at the issue's scale (5,000 statements per node on 16
// nodes), through the route handlers (guard, zod parse, lib call, JSON), on a
// sandbox of its own (base port 26500; purged afterwards unless --keep):
//
//   npm run bench:queries [-- --requests 100 --days 8 --shapes 3000 --keep]
//
// 1. The control DB gets `--days` of synthetic snapshots of 16 primaries
//    (bench/queries-sql.ts: 5,000 statements each, most of them on every
//    shard, one node reset two hours ago, one slow shard).
// 2. The sandbox's real nodes get thousands of distinct statements
//    (`--shapes` per primary through PgBouncer as the app role, a third as
//    many on each replica), and two real snapshots are taken with the
//    worker's function, after the synthetic history.
// 3. The route reads a fleet file of 16 shards: the sandbox's two and 14
//    more whose primaries are the same two servers under other node ids (so
//    a live read reads 18 nodes' worth of real pg_stat_statements).
//
// Then, per window: the first request with nothing kept (the window's
// increases are computed), the first request after a snapshot lands while
// the page is in use (answered from the previous span's increases if the new
// ones take longer than FRESH_WAIT_MS), and per sort and filter `--requests`
// requests (filter, sort and merge of the kept increases); live reads
// (window=reset) each after the node readings' 3 s reuse has passed; and the
// statement page. p50 / p95 / max server time. Target: p95 < 300 ms.
// Prints numbers, no pass/fail. BENCH_SANDBOX / BENCH_BASE_PORT give a
// parallel run its own.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NextRequest } from 'next/server';
import pg from 'pg';
import {
  ANALYZE_SQL,
  CREATE_KEYS_SQL,
  CREATE_STATEMENTS_SQL,
  distinctShape,
  INSERT_LATEST_SQL,
  INSERT_READINGS_SQL,
  INSERT_RUNS_SQL,
  INSERT_TEXTS_SQL,
  SEED_RANDOM_SQL,
  STATEMENTS_INFO_SQL,
  UPDATE_RUNS_INFO_SQL,
} from './queries-sql';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    days: { type: 'string', default: '8' },
    shapes: { type: 'string', default: '3000' },
    keep: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(values.requests);
const DAYS = Number(values.days);
const SHAPES = Number(values.shapes);
const WARMUP = 5;
const COLD_REPEATS = 3;
const LIVE_REQUESTS = 8;
const TARGET_P95_MS = 300;

const NODES = 16;
const STATEMENTS_PER_NODE = 5000;
const DISTINCT_STATEMENTS = 6000;
const SNAPSHOT_INTERVAL_S = 300;
/** The synthetic node whose stats were reset two hours ago, and the slow shard (1-based). */
const RESET_NODE = 3;
const SLOW_NODE = 7;

const repoRoot = path.resolve(import.meta.dirname, '..');
const SANDBOX = { SANDBOX_NAME: process.env.BENCH_SANDBOX ?? 'bench-queries', SANDBOX_BASE_PORT: process.env.BENCH_BASE_PORT ?? '26500' };
const sandboxDir = path.join(repoRoot, '.sandbox', SANDBOX.SANDBOX_NAME);
const fleetFile = path.join(sandboxDir, 'fleet.json');
const benchFleetFile = path.join(sandboxDir, 'fleet-16-shards.json');
const progress = (line: string) => console.error(`[bench] ${line}`);

function sandbox(...args: string[]): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'sandbox.sh'), ...args], { env: { ...process.env, ...SANDBOX }, stdio: ['ignore', 'ignore', 'inherit'] });
}

// The route handlers read their configuration from the environment on first use.
Object.assign(process.env, {
  SHARDSCOPE_FLEET_FILE: benchFleetFile,
  SHARDSCOPE_SESSION_SECRET: 'bench-queries-session-secret-0123456789abcdef',
  SHARDSCOPE_ADMIN_PASSWORD: 'bench-admin',
});

progress(`sandbox ${SANDBOX.SANDBOX_NAME} on base port ${SANDBOX.SANDBOX_BASE_PORT}`);
sandbox('down', '--purge');
sandbox('up');

const { readFleetFile } = await import('@/lib/fleet/fleet-file');
const { migrateFleet } = await import('@/lib/migrate/migrate-fleet');
const { ensurePartitionFor } = await import('@/lib/history/partitions');
const { snapshotStatements } = await import('@/lib/history/statement-snapshots');
const { samplingSlot } = await import('@/lib/jobs/slots');
const { issueSessionCookie } = await import('@/lib/auth/issue-session');
const { FRESH_WAIT_MS, forgetWindowIncreases } = await import('@/lib/statements/statements-report');
const { LIVE_READING_TTL_MS } = await import('@/lib/statements/statements-live');
const { GET: statementsRoute } = await import('@/app/api/queries/route');
const { GET: statementRoute } = await import('@/app/api/queries/[statementHash]/route');

const fleet = readFleetFile(fleetFile);
await migrateFleet(fleet);

/** The sandbox's two shards plus 14 whose primary is one of the two real servers under another id. */
function writeBenchFleetFile(): void {
  const raw = JSON.parse(readFileSync(fleetFile, 'utf8')) as { shards: { id: string; name?: string; adminUrl: string; nodes: Record<string, unknown>[] }[] };
  const real = raw.shards;
  for (let index = real.length + 1; index <= NODES; index++) {
    const twin = real[index % real.length];
    const primary = twin.nodes.find((node) => node.role === 'primary')!;
    raw.shards.push({ id: `shard-${index}`, name: `Shard ${index}`, adminUrl: twin.adminUrl, nodes: [{ ...primary, id: `shard-${index}-primary` }] });
  }
  writeFileSync(benchFleetFile, JSON.stringify(raw, null, 2), { mode: 0o600 });
}
writeBenchFleetFile();
const shardIds = Array.from({ length: NODES }, (_, index) => `shard-${index + 1}`);
const nodeIds = shardIds.map((shardId) => `${shardId}-primary`);

const control = new pg.Client({ connectionString: fleet.control.url });
await control.connect();

/** The control DB as after `--days` of snapshots of 16 primaries; returns the last synthetic run. */
async function seedSnapshots(): Promise<{ lastRun: Date; rows: number }> {
  const started = performance.now();
  const runs = Math.round((DAYS * 86_400) / SNAPSHOT_INTERVAL_S);
  // Two slots are left for the real snapshots taken after it.
  const lastRun = new Date(samplingSlot(new Date(), SNAPSHOT_INTERVAL_S).getTime() - 2 * SNAPSHOT_INTERVAL_S * 1000);
  const firstRun = new Date(lastRun.getTime() - (runs - 1) * SNAPSHOT_INTERVAL_S * 1000);
  for (let day = 0; day <= DAYS + 1; day++) {
    const at = new Date(firstRun.getTime() + day * 86_400_000);
    await ensurePartitionFor(control, 'statement_snapshots', at);
    await ensurePartitionFor(control, 'statement_snapshot_runs', at);
  }
  const resetRun = runs - Math.round(7200 / SNAPSHOT_INTERVAL_S);
  const statsResetBefore = new Date(firstRun.getTime() - 86_400_000);
  const statsResetAfter = new Date(firstRun.getTime() + resetRun * SNAPSHOT_INTERVAL_S * 1000 - 60_000);

  await control.query(SEED_RANDOM_SQL);
  await control.query(CREATE_STATEMENTS_SQL, [DISTINCT_STATEMENTS]);
  await control.query(INSERT_TEXTS_SQL, [firstRun]);
  await control.query(CREATE_KEYS_SQL, [nodeIds, shardIds, STATEMENTS_PER_NODE, DISTINCT_STATEMENTS, SLOW_NODE]);
  await control.query(INSERT_RUNS_SQL, [nodeIds, shardIds, firstRun, runs, SNAPSHOT_INTERVAL_S, RESET_NODE, resetRun, statsResetBefore, statsResetAfter, 0]);
  // The real nodes' synthetic runs carry their real stats_reset and dealloc: the real snapshots after them are no reset.
  for (const shard of fleet.shards) {
    const primary = shard.nodes.find((node) => node.role === 'primary')!;
    const info = await withClient(primary.url, (client) => client.query(STATEMENTS_INFO_SQL));
    await control.query(UPDATE_RUNS_INFO_SQL, [primary.id, info.rows[0].stats_reset, info.rows[0].dealloc]);
  }
  const readings = await control.query(INSERT_READINGS_SQL, [firstRun, runs, SNAPSHOT_INTERVAL_S, RESET_NODE, resetRun]);
  await control.query(INSERT_LATEST_SQL, [nodeIds]);
  await control.query(ANALYZE_SQL);
  progress(
    `seeded ${runs} snapshots × ${NODES} primaries (${DAYS} days), ${readings.rowCount} statement rows, ` +
      `${STATEMENTS_PER_NODE} statements per node in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { lastRun, rows: readings.rowCount ?? 0 };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Distinct statement shapes run as the app role: through PgBouncer on primaries, directly on replicas. */
async function fillStatements(url: string, from: number, count: number): Promise<void> {
  await withClient(url, async (client) => {
    for (let index = from; index < from + count; index++) await client.query(distinctShape(index), [1 + (index % 7)]);
  });
}

async function fillRealNodes(pass: number): Promise<void> {
  const started = performance.now();
  const password = /^SANDBOX_PASSWORD=(\S+)$/m.exec(readFileSync(path.join(sandboxDir, 'secrets.env'), 'utf8'))![1];
  await Promise.all(
    fleet.shards.flatMap((shard) => {
      const replicas = shard.nodes.filter((node) => node.role === 'replica');
      // A second pass runs a tenth of the shapes again: movers for the second snapshot.
      const primaryCount = pass === 1 ? SHAPES : Math.round(SHAPES / 10);
      return [
        fillStatements(shard.pooler!.url, 0, primaryCount),
        ...replicas.map((replica) => {
          const url = new URL(replica.url);
          url.username = 'app';
          url.password = password;
          return fillStatements(url.toString(), 0, Math.round(primaryCount / 3));
        }),
      ];
    }),
  );
  progress(`pass ${pass}: distinct statements run on the real nodes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const cookie = await issueSessionCookie(control, { user: 'bench', role: 'viewer', secret: process.env.SHARDSCOPE_SESSION_SECRET!, ttlSeconds: 7200 });

type Route = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function timedGet(route: Route, url: string, params: Record<string, string> = {}): Promise<{ ms: number; body: Record<string, unknown> }> {
  const request = new NextRequest(`http://bench.test${url}`, { headers: { host: 'bench.test', cookie } });
  const started = performance.now();
  const response = await route(request, { params: Promise.resolve(params) });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${text}`);
  return { ms, body: JSON.parse(text) as Record<string, unknown> };
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

function report(name: string, times: number[], note = ''): void {
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = percentile(sorted, 0.95);
  console.log(
    `${name.padEnd(46)} p50 ${percentile(sorted, 0.5).toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   ` +
      `max ${sorted.at(-1)!.toFixed(1).padStart(7)} ms   n ${String(sorted.length).padStart(3)}   ` +
      `${p95 < TARGET_P95_MS ? 'within' : 'OVER'} the ${TARGET_P95_MS} ms target${note ? `   ${note}` : ''}`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const { rows: syntheticRows } = await seedSnapshots();
  await fillRealNodes(1);
  const slot = samplingSlot(new Date(), SNAPSHOT_INTERVAL_S);
  for (const shard of fleet.shards) await snapshotStatements(shard, new Date(slot.getTime() - SNAPSHOT_INTERVAL_S * 1000));
  await fillRealNodes(2);
  for (const shard of fleet.shards) {
    const snapshot = await snapshotStatements(shard, slot);
    progress(`real snapshot of ${snapshot.nodeId}: ${snapshot.statementsSeen} statements in pg_stat_statements, ${snapshot.statementsKept} kept`);
  }

  console.log(
    `statements page at ${NODES} primaries × ${STATEMENTS_PER_NODE} statements (${DISTINCT_STATEMENTS} distinct), ` +
      `${syntheticRows} stored statement rows over ${DAYS} days; server time per request through the route handler:`,
  );
  for (const window of ['15m', '1h', '24h', '7d'] as const) {
    const cold: number[] = [];
    let rows = 0;
    let matched = 0;
    for (let repeat = 0; repeat < COLD_REPEATS; repeat++) {
      forgetWindowIncreases();
      const { ms, body } = await timedGet(statementsRoute as Route, `/api/queries?window=${window}`);
      cold.push(ms);
      rows = (body.rows as unknown[]).length;
      matched = Number(body.matchedStatements);
    }
    report(`window ${window}, first request, nothing kept`, cold, `(${matched} statements moved, ${rows} rows returned)`);
    // A snapshot lands while the page is in use: the request answers from the previous span's increases
    // unless the new ones are ready within FRESH_WAIT_MS; the load goes on behind it.
    const afterSnapshot: number[] = [];
    for (let repeat = 0; repeat < COLD_REPEATS; repeat++) {
      await sleep(1100);
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      for (const shard of fleet.shards) await snapshotStatements(shard, at);
      afterSnapshot.push((await timedGet(statementsRoute as Route, `/api/queries?window=${window}`)).ms);
      await sleep(2500);
    }
    report(`window ${window}, first request after a snapshot`, afterSnapshot, `(answers from the previous snapshot after ${FRESH_WAIT_MS} ms)`);
    const requests = [
      { name: 'sort total_time', query: 'sort=total_time' },
      { name: 'sort mean_time, limit 200', query: 'sort=mean_time&limit=200' },
      { name: 'sort calls, text filter', query: 'sort=calls&q=orders_1' },
      { name: 'shard filter, user filter', query: 'shardId=shard-7&user=app' },
    ];
    for (const { name, query } of requests) {
      const times: number[] = [];
      for (let index = 0; index < WARMUP + REQUESTS; index++) {
        const { ms } = await timedGet(statementsRoute as Route, `/api/queries?window=${window}&${query}`);
        if (index >= WARMUP) times.push(ms);
      }
      report(`window ${window}, ${name}`, times);
    }
  }

  const live: number[] = [];
  let liveRows = 0;
  for (let index = 0; index < LIVE_REQUESTS; index++) {
    await sleep(LIVE_READING_TTL_MS + 100);
    const { ms, body } = await timedGet(statementsRoute as Route, '/api/queries?window=reset');
    live.push(ms);
    liveRows = Number(body.matchedStatements);
  }
  report('window reset (live read of 18 nodes)', live, `(${liveRows} statements)`);

  const top = await timedGet(statementsRoute as Route, '/api/queries?window=7d&sort=calls&limit=1');
  const statementHash = (top.body.rows as { statementHash: string }[])[0].statementHash;
  for (const range of ['1h', '24h', '7d'] as const) {
    const times: number[] = [];
    for (let index = 0; index < WARMUP + Math.min(REQUESTS, 30); index++) {
      const { ms } = await timedGet(statementRoute as Route, `/api/queries/${statementHash}?range=${range}`, { statementHash });
      if (index >= WARMUP) times.push(ms);
    }
    report(`statement page, busiest statement, range ${range}`, times);
  }
} catch (error) {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  await control.end();
  if (!values.keep) sandbox('down', '--purge');
  process.exit();
}
