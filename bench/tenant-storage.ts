// What the tenant storage measurement costs and how close its estimate is,
// on the demo fleet in a sandbox of its own (base port 25100; purged
// afterwards unless --keep):
//
//   npm run bench:tenant-storage [-- --runs 5 --tenants 300 --scale 1 --keep]
//
// Seeds the demo (300 tenants, about 860k rows over two shards, the largest
// tenants in schemas of their own; --scale 2 doubles every tenant), then runs
// the measurement job of every shard --runs times, one shard at a time, each
// run for its own slot: rows per shard, job duration p50 / max and each
// table's pass, and the measurement's statement time on the primary
// (pg_stat_statements). Then the error of the apportioned estimate against the exact
// size of every shared tenant: its rows copied on their own into fresh tables
// (lib/tenants/storage-measurement-exact.ts). Relative error median and p95,
// for all tenants and for those over 1 MB; absolute error for the small ones,
// whose exact size is mostly the fixed pages of empty tables and indexes.
// Prints numbers, no pass/fail. BENCH_SANDBOX / BENCH_BASE_PORT give a
// parallel run its own sandbox.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  LATEST_MEASUREMENTS_SQL,
  MEASUREMENT_STATEMENTS_SQL,
  RESET_STATEMENTS_SQL,
  SAMPLES_PER_SLOT_SQL,
  SCHEMA_TOTAL_BYTES_SQL,
  SHARD_ROW_COUNTS_SQL,
  USERS_BY_TENANT_SQL,
} from './tenant-storage-sql';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    tenants: { type: 'string', default: '300' },
    scale: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const TENANTS = Number(values.tenants);
const SCALE = Number(values.scale);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a whole number ≥ 1');
if (!Number.isInteger(TENANTS) || TENANTS < 1) throw new Error('--tenants must be a whole number ≥ 1');
if (!(SCALE > 0)) throw new Error('--scale must be a positive number');

/** A tenant over this size is "large": its exact size is mostly its rows, not fixed empty pages. */
const LARGE_TENANT_BYTES = 1 << 20;

const repoRoot = path.resolve(import.meta.dirname, '..');
const SANDBOX = { SANDBOX_NAME: process.env.BENCH_SANDBOX ?? 'bench-storage', SANDBOX_BASE_PORT: process.env.BENCH_BASE_PORT ?? '25100' };
const fleetFile = path.join(repoRoot, '.sandbox', SANDBOX.SANDBOX_NAME, 'fleet.json');
const progress = (line: string) => console.error(`[bench] ${line}`);

function sandbox(...args: string[]): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'sandbox.sh'), ...args], { env: { ...process.env, ...SANDBOX }, stdio: ['ignore', 'ignore', 'inherit'] });
}

// The measurement reads its configuration (fleet file, timeouts) from the environment on first use.
process.env.SHARDSCOPE_FLEET_FILE = fleetFile;

progress(`sandbox ${SANDBOX.SANDBOX_NAME} on base port ${SANDBOX.SANDBOX_BASE_PORT}`);
sandbox('down', '--purge');
sandbox('up');

const { readFleetFile } = await import('@/lib/fleet/fleet-file');
const { migrateFleet } = await import('@/lib/migrate/migrate-fleet');
const { seedDemoFleet } = await import('@/lib/demo/seed');
const { getControlPool } = await import('@/lib/control/db');
const { samplingSlot } = await import('@/lib/jobs/slots');
const { parseFleetEnv } = await import('@/lib/env');
const { measureTenantStorage } = await import('@/lib/tenants/storage-measurement');
const { exactSharedTenantBytes } = await import('@/lib/tenants/storage-measurement-exact');
const { STORAGE_MEASUREMENT_MARKER } = await import('@/lib/tenants/storage-measurement-sql');
type ShardConfig = import('@/lib/fleet/fleet-file').ShardConfig;
type Report = Awaited<ReturnType<typeof measureTenantStorage>>;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const ascending = (items: readonly number[]) => [...items].sort((a, b) => a - b);
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
const pad = (value: string | number, width: number) => String(value).padStart(width);

async function withAdmin<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: shard.adminUrl, application_name: 'shardscope-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface TenantError {
  shardId: string;
  exactBytes: number;
  estimatedBytes: number;
  usersExact: boolean;
}

interface ShardComparison {
  errors: TenantError[];
  schemaTenants: number;
  /** Schema tenants whose measured bytes equal their schema's tables' total size. */
  schemaTenantsExact: number;
  unmeasured: number;
}

async function compareWithExact(shard: ShardConfig): Promise<ShardComparison> {
  const { rows: latest } = await getControlPool().query(LATEST_MEASUREMENTS_SQL, [shard.id]);
  return withAdmin(shard, async (client) => {
    const users = new Map((await client.query(USERS_BY_TENANT_SQL)).rows.map((row) => [row.tenant_id as string, row.users as number]));
    const errors: TenantError[] = [];
    for (const tenant of latest.filter((row) => row.layout === 'shared' && row.storage_bytes !== null)) {
      const exact = await exactSharedTenantBytes(client, tenant.tenant_id);
      errors.push({
        shardId: shard.id,
        exactBytes: exact.total,
        estimatedBytes: Number(tenant.storage_bytes),
        usersExact: tenant.users === (users.get(tenant.tenant_id) ?? 0),
      });
    }
    const schemaTenants = latest.filter((row) => row.layout === 'schema' && row.storage_bytes !== null);
    let schemaTenantsExact = 0;
    for (const tenant of schemaTenants) {
      const { rows } = await client.query(SCHEMA_TOTAL_BYTES_SQL, [tenant.schema_name]);
      if (rows[0].total_bytes === tenant.storage_bytes) schemaTenantsExact += 1;
    }
    return {
      errors,
      schemaTenants: schemaTenants.length,
      schemaTenantsExact,
      unmeasured: latest.filter((row) => row.storage_bytes === null).length,
    };
  });
}

function errorLine(label: string, errors: readonly TenantError[]): string {
  const relative = errors.map((error) => (error.estimatedBytes - error.exactBytes) / error.exactBytes);
  const magnitude = ascending(relative.map(Math.abs));
  return (
    `  ${label.padEnd(22)} ${pad(errors.length, 7)}   median |error| ${pad(pct(quantile(magnitude, 0.5)), 7)}   ` +
    `p95 |error| ${pad(pct(quantile(magnitude, 0.95)), 7)}   max ${pad(pct(magnitude.at(-1) ?? NaN), 7)}   ` +
    `median signed ${pad(pct(quantile(ascending(relative), 0.5)), 7)}`
  );
}

try {
  const fleet = readFleetFile(fleetFile);
  await migrateFleet(fleet);
  const seeded = await seedDemoFleet(fleet, { tenantCount: TENANTS, scale: SCALE, log: (line) => progress(`seed: ${line}`) });
  progress(`seeded ${seeded.tenantCount} tenants in ${(seeded.elapsedMs / 1000).toFixed(1)} s`);

  const intervalSeconds = parseFleetEnv({}).SHARDSCOPE_TENANT_STORAGE_INTERVAL_S;
  const lastSlot = samplingSlot(new Date(), intervalSeconds);
  const reports = new Map<string, Report[]>(fleet.shards.map((shard) => [shard.id, []]));
  for (const shard of fleet.shards) await withAdmin(shard, (client) => client.query(RESET_STATEMENTS_SQL));
  for (let run = 0; run < RUNS; run++) {
    // Past slots, one interval apart, the last one the current slot: every run is a slot of its own.
    const at = new Date(lastSlot.getTime() - (RUNS - 1 - run) * intervalSeconds * 1000);
    for (const shard of fleet.shards) {
      const report = await measureTenantStorage(shard, at);
      reports.get(shard.id)!.push(report);
      progress(`run ${run + 1}/${RUNS} ${shard.id}: ${report.tenantsMeasured} tenants in ${report.durationMs} ms`);
    }
  }

  const lines: string[] = [];
  lines.push(`\ntenant storage measurement: ${seeded.tenantCount} demo tenants (scale ${SCALE}) on ${fleet.shards.length} shards, ${RUNS} runs per shard`);
  lines.push(`(interval ${intervalSeconds} s by default; jobs run one shard at a time on an otherwise idle sandbox)\n`);
  lines.push(
    '  shard      tenants  app_users   orders    events  shared rows  in schemas   tables    job p50   job max   pass p50 app_users / orders / events / schemas' +
      '   shard time per run   job p50 / interval',
  );
  for (const shard of fleet.shards) {
    const statements = await withAdmin(shard, async (client) => (await client.query(MEASUREMENT_STATEMENTS_SQL, [STORAGE_MEASUREMENT_MARKER])).rows[0]);
    const counts = await withAdmin(shard, async (client) => (await client.query(SHARD_ROW_COUNTS_SQL)).rows[0]);
    const shardReports = reports.get(shard.id)!;
    const durations = ascending(shardReports.map((report) => report.durationMs));
    const passP50 = (key: keyof Report['scanMs']) => quantile(ascending(shardReports.map((report) => report.scanMs[key])), 0.5);
    const rows = counts.app_users + counts.orders + counts.events;
    lines.push(
      `  ${shard.id.padEnd(9)} ${pad(shardReports[0].tenantsMeasured, 8)} ${pad(counts.app_users, 10)} ${pad(counts.orders, 8)} ${pad(counts.events, 9)} ` +
        `${pad(rows, 12)} ${pad(counts.schema_rows, 11)} ${pad(mb(Number(counts.total_bytes)), 8)} ${pad(`${quantile(durations, 0.5)} ms`, 10)} ${pad(`${durations.at(-1)} ms`, 9)}   ` +
        `${pad(`${passP50('app_users')} / ${passP50('orders')} / ${passP50('events')} / ${passP50('schemas')} ms`, 34)}   ` +
        `${pad(`${Math.round(statements.exec_ms / RUNS)} ms`, 18)}   ${pad(`${((quantile(durations, 0.5) / 10 / intervalSeconds)).toFixed(3)} %`, 18)}`,
    );
    const slots = (await getControlPool().query(SAMPLES_PER_SLOT_SQL, [shard.id])).rows;
    const doubled = slots.filter((slot) => slot.samples !== slot.tenants || slot.samples !== shardReports[0].tenantsMeasured);
    if (doubled.length > 0) lines.push(`    ${shard.id}: ${doubled.length} slots whose sample rows differ from one per tenant`);
  }

  progress('exact size of every shared tenant (its rows copied on their own; rolled back)…');
  const compared = await Promise.all(fleet.shards.map(compareWithExact));
  const errors = compared.flatMap((result) => result.errors);
  const large = errors.filter((error) => error.exactBytes > LARGE_TENANT_BYTES);
  const small = errors.filter((error) => error.exactBytes <= LARGE_TENANT_BYTES);
  const absoluteSmall = ascending(small.map((error) => Math.abs(error.estimatedBytes - error.exactBytes)));

  lines.push(`\napportioned estimate vs exact standalone copy (shared tenants; signed > 0: the estimate is larger)`);
  lines.push(`  ${''.padEnd(22)} tenants`);
  lines.push(errorLine('all', errors));
  lines.push(errorLine(`> ${mb(LARGE_TENANT_BYTES)}`, large));
  lines.push(errorLine(`<= ${mb(LARGE_TENANT_BYTES)}`, small));
  lines.push(
    `  ${`<= ${mb(LARGE_TENANT_BYTES)} absolute`.padEnd(22)} ${pad(small.length, 7)}   median |error| ${pad(kb(quantile(absoluteSmall, 0.5)), 7)}   ` +
      `p95 |error| ${pad(kb(quantile(absoluteSmall, 0.95)), 7)}   max ${pad(kb(absoluteSmall.at(-1) ?? NaN), 7)}`,
  );
  lines.push(`  users exact for ${errors.filter((error) => error.usersExact).length} of ${errors.length} shared tenants`);
  const schemaTenants = compared.reduce((sum, result) => sum + result.schemaTenants, 0);
  const schemaTenantsExact = compared.reduce((sum, result) => sum + result.schemaTenantsExact, 0);
  if (schemaTenants > 0) {
    lines.push(`  schema tenants: ${schemaTenantsExact} of ${schemaTenants} measured to the byte (their schema's tables' total size); not in the table above`);
  }
  const unmeasured = compared.reduce((sum, result) => sum + result.unmeasured, 0);
  if (unmeasured > 0) lines.push(`  ${unmeasured} tenants without a measurement`);
  console.log(lines.join('\n'));
} finally {
  await getControlPool()
    .end()
    .catch(() => {});
  if (values.keep) progress(`sandbox kept: SANDBOX_NAME=${SANDBOX.SANDBOX_NAME} SANDBOX_BASE_PORT=${SANDBOX.SANDBOX_BASE_PORT} (fleet ${fleetFile})`);
  else sandbox('down', '--purge');
}
