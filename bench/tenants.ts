// The tenant directory at 100k tenants, through the route handlers (guard,
// zod parse, one control query, one Redis pipeline, JSON), on a sandbox of
// its own (base port 26100; purged afterwards unless --keep):
//
//   npm run bench:tenants [-- --tenants 100000 --requests 200 --keep]
//
// The control DB gets N tenants with measured storage and users and a
// sampled sessions slot; Redis gets this hour's counters for every tenant,
// and the worker's counters sync (timed, twice) copies them into the mirror
// the directory sorts on. Then, per request type, `--requests` requests
// (after a warm-up), each with its own search text or cursor: p50 / p95 /
// max server time. Target: p95 < 150 ms for each type. Prints numbers, no
// pass/fail. BENCH_SANDBOX / BENCH_BASE_PORT give a parallel run its own.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NextRequest } from 'next/server';
import pg from 'pg';
import { Redis } from 'ioredis';
import { ANALYZE_SQL, INSERT_HOUR_USAGE_SQL, INSERT_SESSION_SAMPLES_SQL, INSERT_TENANTS_SQL, INSERT_USAGE_LATEST_SQL, SAMPLE_TENANTS_SQL, SEED_RANDOM_SQL } from './tenants-sql';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});
const TENANTS = Number(values.tenants);
const REQUESTS = Number(values.requests);
const WARMUP = 20;
const TARGET_P95_MS = 150;

const repoRoot = path.resolve(import.meta.dirname, '..');
const SANDBOX = { SANDBOX_NAME: process.env.BENCH_SANDBOX ?? 'bench-tenants', SANDBOX_BASE_PORT: process.env.BENCH_BASE_PORT ?? '26100' };
const fleetFile = path.join(repoRoot, '.sandbox', SANDBOX.SANDBOX_NAME, 'fleet.json');
const progress = (line: string) => console.error(`[bench] ${line}`);

function sandbox(...args: string[]): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'sandbox.sh'), ...args], { env: { ...process.env, ...SANDBOX }, stdio: ['ignore', 'ignore', 'inherit'] });
}

// The route handlers read their configuration from the environment on first use.
Object.assign(process.env, {
  SHARDSCOPE_FLEET_FILE: fleetFile,
  SHARDSCOPE_SESSION_SECRET: 'bench-tenants-session-secret-0123456789abcdef',
  SHARDSCOPE_ADMIN_PASSWORD: 'bench-admin',
});

progress(`sandbox ${SANDBOX.SANDBOX_NAME} on base port ${SANDBOX.SANDBOX_BASE_PORT}`);
sandbox('down', '--purge');
sandbox('up');

const { readFleetFile } = await import('@/lib/fleet/fleet-file');
const { migrateFleet } = await import('@/lib/migrate/migrate-fleet');
const { ensurePartitionsAround } = await import('@/lib/history/partitions');
const { tenantUsageKey, USAGE_BUCKET_TTL_SECONDS } = await import('@/lib/tenants/usage-keys');
const { issueSessionCookie } = await import('@/lib/auth/issue-session');
const { samplingSlot } = await import('@/lib/jobs/slots');
const { GET: directoryRoute } = await import('@/app/api/tenants/route');
const { syncTenantCounters } = await import('@/lib/tenants/counters-sync');

const fleet = readFleetFile(fleetFile);
await migrateFleet(fleet);
const shardIds = fleet.shards.map((shard) => shard.id);
const control = new pg.Client({ connectionString: fleet.control.url });
await control.connect();
const redis = new Redis(fleet.redis.url);

async function seed(): Promise<{ samples: { id: string; name: string }[] }> {
  const started = performance.now();
  await ensurePartitionsAround(control);
  await control.query(SEED_RANDOM_SQL);
  await control.query(INSERT_TENANTS_SQL, [TENANTS, shardIds]);
  await control.query(INSERT_USAGE_LATEST_SQL);
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  await control.query(INSERT_HOUR_USAGE_SQL, [hour.toISOString()]);
  await control.query(INSERT_SESSION_SAMPLES_SQL, [samplingSlot(new Date(), 15).toISOString(), shardIds]);
  await control.query(ANALYZE_SQL);

  // This hour's counters in Redis for every tenant, as the apps would have written them.
  const { rows } = await control.query<{ id: string; api_calls: string }>('select tenant_id::text as id, api_calls from tenant_hour_usage');
  for (let start = 0; start < rows.length; start += 5000) {
    const pipeline = redis.pipeline();
    for (const row of rows.slice(start, start + 5000)) {
      const key = tenantUsageKey(row.id, new Date());
      const calls = Number(row.api_calls);
      pipeline.hset(key, 'api_calls', calls, 'cache_hit', Math.round(calls * 1.2), 'cache_miss', Math.round(calls * 0.3));
      pipeline.expire(key, USAGE_BUCKET_TTL_SECONDS);
    }
    await pipeline.exec();
  }
  // The mirror is the worker's to fill: emptied here, the counters sync below writes it from Redis.
  await control.query('truncate tenant_hour_usage');
  const samples = (await control.query<{ id: string; name: string }>(SAMPLE_TENANTS_SQL, [REQUESTS + WARMUP])).rows;
  progress(`seeded ${TENANTS} tenants and ${rows.length} Redis hashes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { samples };
}

const cookie = await issueSessionCookie(control, { user: 'bench', role: 'viewer', secret: process.env.SHARDSCOPE_SESSION_SECRET!, ttlSeconds: 7200 });

async function timedGet(query: string): Promise<{ ms: number; nextCursor: string | null; rows: number }> {
  const request = new NextRequest(`http://bench.test/api/tenants?${query}`, { headers: { host: 'bench.test', cookie } });
  const started = performance.now();
  const response = await directoryRoute(request, { params: Promise.resolve({}) });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${text}`);
  const body = JSON.parse(text) as { nextCursor: string | null; tenants: unknown[] };
  return { ms, nextCursor: body.nextCursor, rows: body.tenants.length };
}

/** A request type: makes the i-th query; pages follow the previous response's cursor when `paged`. */
interface RequestType {
  name: string;
  query: (index: number) => string;
  paged?: boolean;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

async function measure(type: RequestType): Promise<void> {
  const times: number[] = [];
  let rows = 0;
  let cursor: string | null = null;
  for (let index = 0; index < WARMUP + REQUESTS; index += 1) {
    const base = type.query(index);
    const result = await timedGet(type.paged && cursor ? `${base}&after=${cursor}` : base);
    cursor = result.nextCursor;
    if (index >= WARMUP) {
      times.push(result.ms);
      rows += result.rows;
    }
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 0.95);
  console.log(
    `${type.name.padEnd(44)} p50 ${percentile(times, 0.5).toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   ` +
      `max ${times.at(-1)!.toFixed(1).padStart(6)} ms   rows/request ${(rows / times.length).toFixed(1).padStart(5)}   ` +
      `${p95 < TARGET_P95_MS ? 'within' : 'OVER'} the ${TARGET_P95_MS} ms target`,
  );
}

try {
  const { samples } = await seed();
  /** A 4–7 letter piece from the middle of a real name: matches a handful to thousands of tenants. */
  const substring = (index: number) => {
    const name = samples[index % samples.length].name;
    const length = 4 + (index % 4);
    const start = index % Math.max(1, name.length - length);
    return encodeURIComponent(name.slice(start, start + length));
  };
  const types: RequestType[] = [
    { name: 'list, sorted by name (50 per page, paging on)', query: () => 'pageSize=50', paged: true },
    { name: 'search by name substring', query: (index) => `q=${substring(index)}` },
    { name: 'search by id prefix (8 hex digits)', query: (index) => `q=${samples[index % samples.length].id.slice(0, 8)}` },
    { name: 'filter near a limit (paging on)', query: () => 'limit=near', paged: true },
    { name: 'sort by API calls this hour, desc (paging on)', query: () => 'sort=api_calls&dir=desc', paged: true },
    { name: 'filter over a limit, sort by storage desc', query: () => 'limit=over&sort=storage&dir=desc' },
    { name: 'free tier, near a limit, sort by API calls', query: () => 'tier=free&limit=near&sort=api_calls&dir=desc', paged: true },
    { name: 'sort by sessions now, desc (paging on)', query: () => 'sort=sessions&dir=desc', paged: true },
  ];
  // The worker's counters sync at this scale: Redis read for every tenant of the shard, changed rows upserted.
  // First run: every row new; second run: nothing changed (the steady state of a quiet minute).
  for (const run of ['first', 'second']) {
    for (const shard of fleet.shards) {
      const report = await syncTenantCounters(shard);
      console.log(
        `counters sync (${run} run), ${shard.id}: ${report.tenants} tenants, ${report.tenantsChanged} rows written, ` +
          `${report.durationMs.toFixed(0)} ms (Redis ${report.redisMs.toFixed(0)} ms, control DB ${report.writeMs.toFixed(0)} ms)`,
      );
    }
  }
  await control.query('analyze tenant_hour_usage');
  console.log(`tenant directory at ${TENANTS} tenants, ${REQUESTS} requests per type after ${WARMUP} warm-up, server time per request:`);
  for (const type of types) await measure(type);
} finally {
  await control.end();
  redis.disconnect();
  if (!values.keep) sandbox('down', '--purge');
  process.exit(0);
}
