// Measures what N open browsers cost the fleet, with and without the overview's
// single-flight + TTL coalescing, side by side in one run against a real
// sandbox fleet (its own, on base port 24900; purged afterwards). Then the same
// browsers split over two web instances (each its own in-process cache), first
// coalescing in-process only, then also sharing results through Redis.
//
//   npm run bench:coalescing [-- --browsers 10 --seconds 10 --poll-ms 1000]
//
// BENCH_SANDBOX / BENCH_BASE_PORT give a parallel run its own sandbox.
//
// Prints fleet round trips (counted by pg_stat_statements on a primary) and
// request latency for each mode, and the ratios.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: { browsers: { type: 'string', default: '10' }, seconds: { type: 'string', default: '10' }, 'poll-ms': { type: 'string', default: '1000' } },
});
const BROWSERS = Number(values.browsers);
const SECONDS = Number(values.seconds);
const POLL_MS = Number(values['poll-ms']);
const SANDBOX = { SANDBOX_NAME: process.env.BENCH_SANDBOX ?? 'bench', SANDBOX_BASE_PORT: process.env.BENCH_BASE_PORT ?? '24900' };
/** Shard 1's primary: B+10 (see scripts/sandbox.sh). */
const SHARD_1_PRIMARY_PORT = Number(SANDBOX.SANDBOX_BASE_PORT) + 10;
const sandboxDir = path.resolve('.sandbox', SANDBOX.SANDBOX_NAME);

function sandbox(...args: string[]): string {
  return execFileSync('bash', ['scripts/sandbox.sh', ...args], { env: { ...process.env, ...SANDBOX }, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
}

const VITALS_CALLS_SQL = `
  select coalesce(sum(calls), 0)::int as calls
  from pg_stat_statements
  where query like '%pg_is_wal_replay_paused()%'
    and query not like '%pg_stat_statements%'
    and query not like '%shardscope:sampler%'`;

async function vitalsCalls(): Promise<number> {
  const password = /^SANDBOX_PASSWORD=(\S+)$/m.exec(readFileSync(path.join(sandboxDir, 'secrets.env'), 'utf8'))![1];
  const client = new pg.Client(`postgres://shardscope_admin:${password}@127.0.0.1:${SHARD_1_PRIMARY_PORT}/app`);
  await client.connect();
  try {
    return (await client.query(VITALS_CALLS_SQL)).rows[0].calls;
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** N pollers, each asking every POLL_MS (offset randomly, as real browsers are), for SECONDS; browser i asks loads[i % loads.length]. */
async function simulateBrowsers(...loads: (() => Promise<unknown>)[]): Promise<{ requests: number; roundTrips: number; p50: number; p95: number }> {
  const before = await vitalsCalls();
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: BROWSERS }, async (_, browser) => {
      const load = loads[browser % loads.length];
      await new Promise((resolve) => setTimeout(resolve, Math.random() * POLL_MS));
      while (Date.now() < deadline) {
        const started = performance.now();
        await load();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }),
  );
  const roundTrips = (await vitalsCalls()) - before;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, roundTrips, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function main(): Promise<void> {
  sandbox('down', '--purge');
  const fleetFile = sandbox('up').trim().split('\n').pop()!;
  process.env.SHARDSCOPE_FLEET_FILE = fleetFile;
  process.env.SHARDSCOPE_SESSION_SECRET ??= 'bench-session-secret-bench-session-secret';
  process.env.SHARDSCOPE_ADMIN_PASSWORD ??= 'bench-admin';
  try {
    const { collectFleetOverview, getFleetOverview, FLEET_OVERVIEW_TTL_MS } = await import('@/lib/monitor/fleet-overview');
    const { SingleFlight } = await import('@/lib/fleet/single-flight');
    const { SharedFlight } = await import('@/lib/fleet/shared-flight');
    type Overview = Awaited<ReturnType<typeof collectFleetOverview>>;
    await collectFleetOverview(); // warm the pools, so all modes start equal

    // Two web instances = two flights, each with its own in-process cache (one process, one Redis client: enough to count fleet round trips).
    const inProcess = [new SingleFlight<Overview>(FLEET_OVERVIEW_TTL_MS), new SingleFlight<Overview>(FLEET_OVERVIEW_TTL_MS)];
    const shared = [new SharedFlight<Overview>('fleet-overview', FLEET_OVERVIEW_TTL_MS), new SharedFlight<Overview>('fleet-overview', FLEET_OVERVIEW_TTL_MS)];

    const uncoalesced = await simulateBrowsers(collectFleetOverview);
    const coalesced = await simulateBrowsers(getFleetOverview);
    const twoInProcess = await simulateBrowsers(...inProcess.map((flight) => () => flight.run('bench', collectFleetOverview)));
    const twoShared = await simulateBrowsers(...shared.map((flight) => () => flight.run('bench', collectFleetOverview)));
    const row = (name: string, r: typeof coalesced) =>
      `${name.padEnd(24)} ${String(r.requests).padStart(8)} ${String(r.roundTrips).padStart(12)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)}`;
    const perRequest = (r: typeof coalesced) => (r.roundTrips / r.requests).toFixed(2);
    console.log(`${BROWSERS} browsers polling the fleet overview every ${POLL_MS} ms for ${SECONDS} s (2 shards, 4 nodes)`);
    console.log(`${'mode'.padEnd(24)} ${'requests'.padStart(8)} ${'round trips'.padStart(12)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
    console.log(row('uncoalesced', uncoalesced));
    console.log(row('coalesced (1 instance)', coalesced));
    console.log(row('2 instances, in-process', twoInProcess));
    console.log(row('2 instances, + Redis', twoShared));
    console.log(`fleet round trips per request: uncoalesced ${perRequest(uncoalesced)}, coalesced ${perRequest(coalesced)}; ratio ${(uncoalesced.roundTrips / Math.max(1, coalesced.roundTrips)).toFixed(1)}x`);
    console.log(`2 instances: in-process only ${perRequest(twoInProcess)}, shared through Redis ${perRequest(twoShared)} per request; ratio ${(twoInProcess.roundTrips / Math.max(1, twoShared.roundTrips)).toFixed(1)}x`);
  } finally {
    sandbox('down', '--purge');
  }
  process.exit(0);
}

await main();
