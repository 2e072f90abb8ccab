import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { typicalTierSizeRows, type SizedTenant } from './tenant-profiles';

/**
 * The tenants the demo load drives, and where to send them. Routing comes
 * from the control plane (tenants.shard_id is the source of truth); sizes come
 * from the shards themselves, read through the pooler like any app would.
 */

/** Active tenants and the shard each lives on; moving or fenced tenants get no demo traffic. */
const ACTIVE_TENANT_ROUTES = `
  select id, name, tier, shard_id
  from tenants
  where status = 'active'
  order by name`;

/**
 * Rows per tenant on one shard, all tenant tables together. A full scan of
 * each table (under a second for the demo's ~1M rows), run once at load start.
 */
const TENANT_ROW_COUNTS = `
  select tenant_id, sum(row_count)::bigint as row_count
  from (
    select tenant_id, count(*) as row_count from app_users group by tenant_id
    union all
    select tenant_id, count(*) from orders group by tenant_id
    union all
    select tenant_id, count(*) from events group by tenant_id
  ) as per_table
  group by tenant_id`;

export const DEMO_LOAD_APPLICATION_NAME = 'shardscope-demo-load';

export interface RoutedTenant extends SizedTenant {
  id: string;
  name: string;
  tier: string;
  shardId: string;
}

export interface TenantDirectoryReport {
  tenants: RoutedTenant[];
  /** Shards whose sizes could not be read; their tenants carry a typical size for their tier. */
  uncountedShards: string[];
}

async function queryOnce<Row extends pg.QueryResultRow>(connectionString: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 5000,
    query_timeout: 30_000,
    application_name: DEMO_LOAD_APPLICATION_NAME,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function shardRowCounts(shard: ShardConfig): Promise<Map<string, number>> {
  if (!shard.pooler) throw new Error(`${shard.id} has no pooler in the fleet file`);
  const rows = await queryOnce<{ tenant_id: string; row_count: string }>(shard.pooler.url, TENANT_ROW_COUNTS);
  return new Map(rows.map((row) => [row.tenant_id, Number(row.row_count)]));
}

export async function readTenantDirectory(fleet: FleetFile): Promise<TenantDirectoryReport> {
  const routes = await queryOnce<{ id: string; name: string; tier: string; shard_id: string }>(fleet.control.url, ACTIVE_TENANT_ROUTES);
  const counted = await Promise.allSettled(fleet.shards.map(shardRowCounts));
  const sizes = new Map<string, Map<string, number>>();
  const uncountedShards: string[] = [];
  fleet.shards.forEach((shard, index) => {
    const outcome = counted[index];
    if (outcome.status === 'fulfilled') sizes.set(shard.id, outcome.value);
    else uncountedShards.push(shard.id);
  });
  const tenants = routes.map((route) => ({
    id: route.id,
    name: route.name,
    tier: route.tier,
    shardId: route.shard_id,
    sizeRows: sizes.has(route.shard_id) ? (sizes.get(route.shard_id)!.get(route.id) ?? 0) : typicalTierSizeRows(route.tier),
  }));
  return { tenants, uncountedShards };
}
