import { Redis } from 'ioredis';
import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import {
  buildDemoTenants,
  mulberry32,
  tenantApiCallsPerRowHour,
  tenantCacheHitRate,
  tenantSizeRows,
  type DemoTenant,
  type TenantRowCounts,
} from './tenant-profiles';

/**
 * Seeds the demo fleet: the tenant directory in the control plane, each
 * tenant's rows on its shard primary (generated server-side), and a day of
 * hourly usage counters in Redis.
 *
 * Idempotent: a control plane that already has tenants is left alone. The
 * directory is written last, as the "seeded" mark, and each shard's rows go in
 * one transaction that first clears whatever an interrupted run left for the
 * same (deterministic) tenant ids, so a rerun after a crash never duplicates rows.
 */

/** Fixed so every sandbox gets the same tenants; change it to get another fleet. */
export const DEMO_SEED = 20261121;

// Control plane ---------------------------------------------------------------

/** How many tenants the directory holds; any at all means the fleet is already seeded. */
const COUNT_TENANTS = `
  select count(*)::int as tenant_count
  from tenants`;

/** Registers the demo tenants in one statement; tenant age spread over two years. */
const INSERT_TENANTS = `
  insert into tenants (id, name, tier, shard_id, pinned, created_at)
  select id, name, tier, shard_id, pinned, now() - random() * interval '730 days'
  from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[])
    as demo (id, name, tier, shard_id, pinned)`;

/** Fresh statistics so the console's size and plan views are right straight away. */
const ANALYZE_TENANTS = `analyze tenants`;

// Shards ----------------------------------------------------------------------

/** Clears rows an interrupted seed left for these tenants (none on a clean shard). */
const DELETE_PARTIAL_TENANT_ROWS = `
  with deleted_users as (
    delete from app_users where tenant_id = any($1::uuid[])
  ), deleted_orders as (
    delete from orders where tenant_id = any($1::uuid[])
  )
  delete from events
  where tenant_id = any($1::uuid[])`;

/** Users: firstname.lastnameN@<tenant-name>.example, signed up over the last 400 days. */
const INSERT_APP_USERS = `
  insert into app_users (tenant_id, email, created_at)
  select demo.tenant_id,
         format('%s.%s%s@%s.example',
                (array['ana','ben','chloe','dev','emma','femi','gus','hana','ivan','jade','kai','lena','mo','nina','omar','priya'])[1 + g.n % 16],
                (array['smith','garcia','chen','okafor','muller','rossi','tanaka','silva','novak','khan','dubois'])[1 + (g.n * 7) % 11],
                g.n, demo.tenant_name),
         now() - random() * interval '400 days'
  from unnest($1::uuid[], $2::text[], $3::int[]) as demo (tenant_id, tenant_name, row_count)
  cross join lateral generate_series(1, demo.row_count) as g (n)`;

/**
 * Orders over the last 180 days, placed by the tenant's users (whose ids are
 * consecutive: one insert made them, with nothing else writing). Amounts are
 * log-uniform from $0.55 to ~$990; recent orders are still mostly open, older
 * ones paid or shipped, a few cancelled or refunded.
 */
const INSERT_ORDERS = `
  insert into orders (tenant_id, user_id, amount_cents, status, created_at, updated_at)
  select tenant_id, user_id, amount_cents,
         case
           when created_at > now() - interval '2 days' and roll < 0.7 then 'open'
           when roll < 0.55 then 'paid'
           when roll < 0.85 then 'shipped'
           when roll < 0.94 then 'cancelled'
           else 'refunded'
         end,
         created_at,
         created_at + random() * interval '3 days'
  from (
    select demo.tenant_id,
           users.first_user_id + floor(random() * users.user_count)::bigint as user_id,
           round(exp(4 + random() * 7.5))::bigint as amount_cents,
           now() - random() * interval '180 days' as created_at,
           random() as roll
    from unnest($1::uuid[], $2::int[]) as demo (tenant_id, row_count)
    cross join lateral (
      select min(id) as first_user_id, count(*) as user_count
      from app_users
      where app_users.tenant_id = demo.tenant_id
    ) as users
    cross join lateral generate_series(1, demo.row_count) as g (n)
  ) as generated`;

/**
 * Events over the last 30 days. Kinds are skewed (page views dominate); the
 * payload is small for most rows, carries tags for about a fifth and a
 * 0.3–2 KB body for about 3%, so row sizes vary the way real event logs do.
 */
const INSERT_EVENTS = `
  insert into events (tenant_id, kind, payload, created_at)
  select tenant_id,
         (array['page_view','api_request','search','login','order_created','order_paid',
                'email_sent','webhook_delivered','export_started','error'])[1 + floor(kind_roll * kind_roll * 10)::int],
         jsonb_build_object(
           'user_id', user_id,
           'path', (array['/','/orders','/orders/:id','/search','/settings','/billing','/reports','/api/v1/items'])[1 + floor(random() * 8)::int],
           'duration_ms', floor(random() * random() * 3000)::int,
           'country', (array['DE','FR','US','GB','BR','IN','JP','NG','CA','NL'])[1 + floor(random() * 10)::int],
           'session', substr(md5(random()::text), 1, 12)
         ) || case
           when size_roll < 0.03 then jsonb_build_object('body', repeat('lorem ipsum dolor ', 16 + floor(random() * 100)::int))
           when size_roll < 0.22 then jsonb_build_object('tags', jsonb_build_array('beta', 'mobile', 'campaign-' || floor(random() * 40)::int))
           else '{}'::jsonb
         end,
         created_at
  from (
    select demo.tenant_id,
           users.first_user_id + floor(random() * users.user_count)::bigint as user_id,
           random() as kind_roll,
           random() as size_roll,
           now() - random() * interval '30 days' as created_at
    from unnest($1::uuid[], $2::int[]) as demo (tenant_id, row_count)
    cross join lateral (
      select min(id) as first_user_id, count(*) as user_count
      from app_users
      where app_users.tenant_id = demo.tenant_id
    ) as users
    cross join lateral generate_series(1, demo.row_count) as g (n)
  ) as generated`;

/** Fresh statistics after a bulk load, so the first plans and size estimates are sane. */
const ANALYZE_TENANT_TABLES = `analyze app_users, orders, events`;

// -----------------------------------------------------------------------------

export interface DemoSeedOptions {
  tenantCount?: number;
  /** Multiplies every tenant's row counts. */
  scale?: number;
  log?: (line: string) => void;
}

export interface DemoSeedReport {
  /** False when the control plane already had tenants and nothing was written. */
  seeded: boolean;
  tenantCount: number;
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

async function seedShard(shard: ShardConfig, tenants: DemoTenant[]): Promise<void> {
  if (tenants.length === 0) return;
  const ids = tenants.map((tenant) => tenant.id);
  const rows = (table: keyof TenantRowCounts) => tenants.map((tenant) => tenant.rows[table]);
  await withClient(shard.adminUrl, async (client) => {
    await client.query('begin');
    try {
      await client.query(DELETE_PARTIAL_TENANT_ROWS, [ids]);
      await client.query(INSERT_APP_USERS, [ids, tenants.map((tenant) => tenant.name), rows('app_users')]);
      await client.query(INSERT_ORDERS, [ids, rows('orders')]);
      await client.query(INSERT_EVENTS, [ids, rows('events')]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
    await client.query(ANALYZE_TENANT_TABLES);
  });
}

/** Busier in the European afternoon, quiet at night: 0.3× to 1× of the tenant's peak hour. */
function dailyTrafficShape(hourUtc: number): number {
  return 0.65 + 0.35 * Math.sin(((hourUtc - 8) / 24) * 2 * Math.PI);
}

/** Cache lookups an API call makes on average. */
const CACHE_LOOKUPS_PER_CALL = 1.5;
/** Share of API calls that write, and so invalidate a cached entry. */
const WRITE_SHARE = 0.04;
/** Parallel recordTenantUsage calls: ioredis pipelines them over its one connection. */
const USAGE_WRITES_IN_FLIGHT = 400;

/** A day of hourly usage per tenant: calls ~ size × activity × time of day, ±30% noise. */
async function seedUsageHistory(redis: Redis, tenants: DemoTenant[], now: Date): Promise<number> {
  const random = mulberry32(DEMO_SEED ^ 0x5eed);
  const pending: Promise<void>[] = [];
  let written = 0;
  for (const tenant of tenants) {
    const peakCallsPerHour = tenantSizeRows(tenant.rows) * tenantApiCallsPerRowHour(tenant.id);
    const hitRate = tenantCacheHitRate(tenant.id);
    for (let hoursBack = 23; hoursBack >= 0; hoursBack -= 1) {
      const at = new Date(now.getTime() - hoursBack * 3600_000);
      const apiCalls = Math.max(1, Math.round(peakCallsPerHour * dailyTrafficShape(at.getUTCHours()) * (0.7 + random() * 0.6)));
      const lookups = Math.round(apiCalls * CACHE_LOOKUPS_PER_CALL);
      const hourHitRate = Math.min(0.99, Math.max(0.05, hitRate + (random() - 0.5) * 0.08));
      const hits = Math.round(lookups * hourHitRate);
      const misses = lookups - hits;
      pending.push(
        recordTenantUsage(
          redis,
          tenant.id,
          {
            api_calls: apiCalls,
            cache_hit: hits,
            cache_miss: misses,
            cache_set: Math.round(misses * 0.9),
            cache_invalidate: Math.round(apiCalls * WRITE_SHARE),
          },
          at,
        ),
      );
      written += 1;
      if (pending.length >= USAGE_WRITES_IN_FLIGHT) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  return written;
}

export async function seedDemoFleet(fleet: FleetFile, options: DemoSeedOptions = {}): Promise<DemoSeedReport> {
  const { tenantCount = 300, scale = 1, log = () => {} } = options;
  const started = Date.now();

  const existing = await withClient(fleet.control.url, async (client) => {
    const result = await client.query<{ tenant_count: number }>(COUNT_TENANTS);
    return result.rows[0].tenant_count;
  });
  if (existing > 0) {
    log(`control plane already has ${existing} tenants: nothing to seed`);
    return { seeded: false, tenantCount: existing, rowsByShard: {}, elapsedMs: Date.now() - started };
  }

  const tenants = buildDemoTenants({ count: tenantCount, shardIds: fleet.shards.map((shard) => shard.id), seed: DEMO_SEED, scale });
  const tenantsOf = (shard: ShardConfig) => tenants.filter((tenant) => tenant.shardId === shard.id);

  // Shards load in parallel: each is its own Postgres, so the two cores are both used.
  await Promise.all(
    fleet.shards.map(async (shard) => {
      const shardStarted = Date.now();
      const shardTenants = tenantsOf(shard);
      await seedShard(shard, shardTenants);
      const totals = sumRows(shardTenants);
      log(`${shard.id}: ${shardTenants.length} tenants, ${totals.events} events, ${totals.orders} orders, ${totals.app_users} users in ${((Date.now() - shardStarted) / 1000).toFixed(1)} s`);
    }),
  );

  const redis = new Redis(fleet.redis.url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const buckets = await seedUsageHistory(redis, tenants, new Date());
    log(`redis: ${buckets} hourly usage buckets (24 per tenant)`);
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
    ]);
    await client.query(ANALYZE_TENANTS);
  });
  log(`control plane: ${tenants.length} tenants registered`);

  return {
    seeded: true,
    tenantCount: tenants.length,
    rowsByShard: Object.fromEntries(fleet.shards.map((shard) => [shard.id, sumRows(tenantsOf(shard))])),
    elapsedMs: Date.now() - started,
  };
}
