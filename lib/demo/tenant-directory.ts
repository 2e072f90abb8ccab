import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { assertSchemaName, tenantTableNames } from '@/lib/tenants/tenant-schema';
import { typicalTierSizeRows } from './tenant-profiles';
import type { TrafficTenant } from './tenant-traits';

/**
 * The tenants the demo load drives, and where to send them. Routing comes
 * from the control plane (tenants.shard_id is the source of truth, layout and
 * schema_name say which tables hold the rows); sizes come from the shards
 * themselves, read through the pooler like any app would.
 */

/** Active tenants, the shard each lives on and its layout; moving or fenced tenants get no demo traffic. */
const ACTIVE_TENANT_ROUTES = `
  select id, name, tier, shard_id, schema_name
  from tenants
  where status = 'active'
  order by name`;

/**
 * Rows per tenant in one shard's shared tables, all tables together. A full
 * scan of each table (under a second for the demo's ~1M rows), run once at load start.
 */
const SHARED_TENANT_ROW_COUNTS = `
  select tenant_id, sum(row_count)::bigint as row_count
  from (
    select tenant_id, count(*) as row_count from app_users group by tenant_id
    union all
    select tenant_id, count(*) from orders group by tenant_id
    union all
    select tenant_id, count(*) from events group by tenant_id
  ) as per_table
  group by tenant_id`;

/** Rows of a schema tenant: everything in its schema's tables is its own. */
const schemaTenantRowCount = (schemaName: string) => {
  const tables = tenantTableNames(assertSchemaName(schemaName));
  return `
  select (select count(*) from ${tables.app_users})
       + (select count(*) from ${tables.orders})
       + (select count(*) from ${tables.events}) as row_count`;
};

export const DEMO_LOAD_APPLICATION_NAME = 'shardscope-demo-load';

export interface RoutedTenant extends TrafficTenant {
  name: string;
  tier: string;
  shardId: string;
  /** The tenant's schema (schema layout); null for a shared tenant. */
  schemaName: string | null;
}

export interface TenantDirectoryReport {
  tenants: RoutedTenant[];
  /** Shards whose sizes could not be read; their tenants carry a typical size for their tier. */
  uncountedShards: string[];
}

interface TenantRoute {
  id: string;
  name: string;
  tier: string;
  shard_id: string;
  schema_name: string | null;
}

async function withLoadClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 5000,
    query_timeout: 30_000,
    application_name: DEMO_LOAD_APPLICATION_NAME,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Rows per tenant on the shard: shared tenants in one pass, then each schema tenant's schema. */
async function shardRowCounts(shard: ShardConfig, schemaTenants: TenantRoute[]): Promise<Map<string, number>> {
  if (!shard.pooler) throw new Error(`${shard.id} has no pooler in the fleet file`);
  return withLoadClient(shard.pooler.url, async (client) => {
    const shared = await client.query<{ tenant_id: string; row_count: string }>(SHARED_TENANT_ROW_COUNTS);
    const counts = new Map(shared.rows.map((row) => [row.tenant_id, Number(row.row_count)]));
    for (const tenant of schemaTenants) {
      const { rows } = await client.query<{ row_count: string }>(schemaTenantRowCount(tenant.schema_name!));
      counts.set(tenant.id, Number(rows[0].row_count));
    }
    return counts;
  });
}

export async function readTenantDirectory(fleet: FleetFile): Promise<TenantDirectoryReport> {
  const routes = await withLoadClient(fleet.control.url, async (client) => (await client.query<TenantRoute>(ACTIVE_TENANT_ROUTES)).rows);
  const schemaTenantsOn = (shard: ShardConfig) => routes.filter((route) => route.shard_id === shard.id && route.schema_name !== null);
  const counted = await Promise.allSettled(fleet.shards.map((shard) => shardRowCounts(shard, schemaTenantsOn(shard))));
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
    schemaName: route.schema_name,
    sizeRows: sizes.has(route.shard_id) ? (sizes.get(route.shard_id)!.get(route.id) ?? 0) : typicalTierSizeRows(route.tier),
  }));
  return { tenants, uncountedShards };
}
