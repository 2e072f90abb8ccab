import { Redis } from 'ioredis';
import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { createTenantSchema, dropTenantSchema, tenantTableNames, type TenantTableNames } from '@/lib/tenants/tenant-schema';
import {
  DELETE_PARTIAL_SHARED_ROWS,
  analyzeTenantTablesSql,
  insertAppUsersSql,
  insertEventsSql,
  insertOrdersSql,
} from './seed-sql';
import { seedUsageHistory, SEEDED_USAGE_HOURS } from './seed-usage';
import { buildDemoTenants, type DemoTenant, type TenantRowCounts } from './tenant-profiles';

/**
 * Seeds the demo fleet: the tenant directory in the control plane, each
 * tenant's rows on its shard primary (generated server-side; in the public
 * tables for shared tenants, in its own schema for schema tenants), and a day
 * of hourly usage counters in Redis.
 *
 * Idempotent: a control plane that already has tenants is left alone. The
 * directory is written last, as the "seeded" mark. Each shard's rows go in one
 * transaction that first clears whatever an interrupted run left for the same
 * (deterministic) tenant ids — shared rows deleted, schema tenants' schemas
 * dropped and created again — and the Redis history is cleared before it is
 * written, so a rerun after a crash never duplicates rows or counts.
 */

/** Fixed so every sandbox gets the same tenants; change it to get another fleet. */
export const DEMO_SEED = 20261121;

// Control plane ---------------------------------------------------------------

/** How many tenants the directory holds; any at all means the fleet is already seeded. */
const COUNT_TENANTS = `
  select count(*)::int as tenant_count
  from tenants`;

/** Each tier's hourly API limit: the seeded history shows a limiter in front of the apps. */
const TIER_API_LIMITS = `
  select tier, max_api_calls_per_hour
  from tier_limits`;

/** Registers the demo tenants in one statement; tenant age spread over two years. */
const INSERT_TENANTS = `
  insert into tenants (id, name, tier, shard_id, pinned, layout, schema_name, created_at)
  select id, name, tier, shard_id, pinned, layout, schema_name, now() - random() * interval '730 days'
  from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[])
    as demo (id, name, tier, shard_id, pinned, layout, schema_name)`;

/** Fresh statistics so the console's size and plan views are right straight away. */
const ANALYZE_TENANTS = `analyze tenants`;

// -----------------------------------------------------------------------------

export interface DemoSeedOptions {
  tenantCount?: number;
  /** Multiplies every tenant's row counts. */
  scale?: number;
  /** How many of the largest enterprise tenants get a schema of their own (default 4). */
  schemaTenantCount?: number;
  log?: (line: string) => void;
}

export interface DemoSeedReport {
  /** False when the control plane already had tenants and nothing was written. */
  seeded: boolean;
  tenantCount: number;
  /** Tenants in the schema layout. */
  schemaTenantCount: number;
  rowsByShard: Record<string, TenantRowCounts>;
  elapsedMs: number;
}

async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000, application_name: 'shardscope-seed' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function sumRows(tenants: DemoTenant[]): TenantRowCounts {
  return tenants.reduce(
    (sum, tenant) => ({
      app_users: sum.app_users + tenant.rows.app_users,
      orders: sum.orders + tenant.rows.orders,
      events: sum.events + tenant.rows.events,
    }),
    { app_users: 0, orders: 0, events: 0 },
  );
}

/** Users, then orders and events placed by them, for these tenants in these tables. */
async function insertTenantRows(client: pg.Client, tables: TenantTableNames, tenants: DemoTenant[]): Promise<void> {
  if (tenants.length === 0) return;
  const ids = tenants.map((tenant) => tenant.id);
  const rows = (table: keyof TenantRowCounts) => tenants.map((tenant) => tenant.rows[table]);
  await client.query(insertAppUsersSql(tables), [ids, tenants.map((tenant) => tenant.name), rows('app_users')]);
  await client.query(insertOrdersSql(tables), [ids, rows('orders')]);
  await client.query(insertEventsSql(tables), [ids, rows('events')]);
}

async function seedShard(shard: ShardConfig, tenants: DemoTenant[]): Promise<void> {
  if (tenants.length === 0) return;
  const shared = tenants.filter((tenant) => tenant.schemaName === null);
  const schemaTenants = tenants.filter((tenant) => tenant.schemaName !== null);
  await withClient(shard.adminUrl, async (client) => {
    await client.query('begin');
    try {
      await client.query(DELETE_PARTIAL_SHARED_ROWS, [tenants.map((tenant) => tenant.id)]);
      await insertTenantRows(client, tenantTableNames(null), shared);
      for (const tenant of schemaTenants) {
        await dropTenantSchema(client, tenant.schemaName!);
        await createTenantSchema(client, tenant.schemaName!);
        await insertTenantRows(client, tenantTableNames(tenant.schemaName), [tenant]);
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
    await client.query(analyzeTenantTablesSql(tenantTableNames(null)));
    for (const tenant of schemaTenants) await client.query(analyzeTenantTablesSql(tenantTableNames(tenant.schemaName)));
  });
}

export async function seedDemoFleet(fleet: FleetFile, options: DemoSeedOptions = {}): Promise<DemoSeedReport> {
  const { tenantCount = 300, scale = 1, schemaTenantCount, log = () => {} } = options;
  const started = Date.now();

  const { existing, hourlyLimits } = await withClient(fleet.control.url, async (client) => {
    const counted = await client.query<{ tenant_count: number }>(COUNT_TENANTS);
    const limits = await client.query<{ tier: string; max_api_calls_per_hour: string }>(TIER_API_LIMITS);
    return {
      existing: counted.rows[0].tenant_count,
      hourlyLimits: new Map(limits.rows.map((row) => [row.tier, Number(row.max_api_calls_per_hour)])),
    };
  });
  if (existing > 0) {
    log(`control plane already has ${existing} tenants: nothing to seed`);
    return { seeded: false, tenantCount: existing, schemaTenantCount: 0, rowsByShard: {}, elapsedMs: Date.now() - started };
  }

  const tenants = buildDemoTenants({
    count: tenantCount,
    shardIds: fleet.shards.map((shard) => shard.id),
    seed: DEMO_SEED,
    scale,
    schemaTenantCount,
  });
  const tenantsOf = (shard: ShardConfig) => tenants.filter((tenant) => tenant.shardId === shard.id);

  // Shards load in parallel: each is its own Postgres, so the two cores are both used.
  await Promise.all(
    fleet.shards.map(async (shard) => {
      const shardStarted = Date.now();
      const shardTenants = tenantsOf(shard);
      await seedShard(shard, shardTenants);
      const totals = sumRows(shardTenants);
      const inSchemas = shardTenants.filter((tenant) => tenant.schemaName !== null).length;
      log(
        `${shard.id}: ${shardTenants.length} tenants (${inSchemas} in their own schema), ${totals.events} events, ` +
          `${totals.orders} orders, ${totals.app_users} users in ${((Date.now() - shardStarted) / 1000).toFixed(1)} s`,
      );
    }),
  );

  const redis = new Redis(fleet.redis.url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const usage = await seedUsageHistory(redis, tenants, hourlyLimits, new Date(), DEMO_SEED);
    log(
      `redis: ${usage.buckets} hourly usage buckets (${SEEDED_USAGE_HOURS} per tenant); the API limit refused calls ` +
        `in ${usage.limitedHours} tenant-hours, ${usage.limitedNow} tenants are at their limit this hour`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }

  await withClient(fleet.control.url, async (client) => {
    await client.query(INSERT_TENANTS, [
      tenants.map((tenant) => tenant.id),
      tenants.map((tenant) => tenant.name),
      tenants.map((tenant) => tenant.tier),
      tenants.map((tenant) => tenant.shardId),
      tenants.map((tenant) => tenant.pinned),
      tenants.map((tenant) => tenant.layout),
      tenants.map((tenant) => tenant.schemaName),
    ]);
    await client.query(ANALYZE_TENANTS);
  });
  log(`control plane: ${tenants.length} tenants registered`);

  return {
    seeded: true,
    tenantCount: tenants.length,
    schemaTenantCount: tenants.filter((tenant) => tenant.layout === 'schema').length,
    rowsByShard: Object.fromEntries(fleet.shards.map((shard) => [shard.id, sumRows(tenantsOf(shard))])),
    elapsedMs: Date.now() - started,
  };
}
