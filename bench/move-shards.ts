import pg from 'pg';
import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { findShard } from '@/lib/fleet/topology';
import { liftFence } from '@/lib/rebalance/move-fence';
import { TENANT_TABLES, type TenantTable } from '@/lib/tenants/tenant-schema';
import {
  DELETE_TENANT_MOVES_SQL,
  DELETE_TENANT_SQL,
  INSERT_TENANT_SQL,
  REPLICA_ROLE_SQL,
  TENANT_ROUTE_SQL,
  deleteTenantRowsSql,
  tenantRowCountSql,
  tenantTableSizeSql,
  vacuumTableSql,
} from './move-sql';

/**
 * The bench's own tenants on the sandbox shards: connections as the shard's
 * owner, the directory row, sizes and counts, and removing a tenant's rows
 * (after the raw pipe, and when the bench is done with a tenant).
 */

export function shardById(shardId: string): ShardConfig {
  const shard = findShard(shardId);
  if (!shard) throw new Error(`shard ${shardId} is not in the fleet file`);
  return shard;
}

export async function withShardAdmin<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: shard.adminUrl, application_name: 'bench-move' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function registerTenant(tenantId: string, name: string, shardId: string): Promise<void> {
  await getControlPool().query(INSERT_TENANT_SQL, [tenantId, name, shardId]);
}

export async function routedShardId(tenantId: string): Promise<string> {
  return (await getControlPool().query<{ shard_id: string }>(TENANT_ROUTE_SQL, [tenantId])).rows[0].shard_id;
}

export interface TableSize {
  table: TenantTable;
  rows: number;
  bytes: number;
}

/** The tenant's rows on a shard, table by table, and their size as stored. */
export async function tenantSize(shard: ShardConfig, tenantId: string): Promise<TableSize[]> {
  return withShardAdmin(shard, async (client) => {
    const sizes: TableSize[] = [];
    for (const table of TENANT_TABLES) {
      const row = (await client.query<{ rows: string; bytes: string }>(tenantTableSizeSql(table), [tenantId])).rows[0];
      sizes.push({ table, rows: Number(row.rows), bytes: Number(row.bytes) });
    }
    return sizes;
  });
}

export async function tenantRowCounts(shard: ShardConfig, tenantId: string): Promise<Record<TenantTable, number>> {
  return withShardAdmin(shard, async (client) => {
    const counts = {} as Record<TenantTable, number>;
    for (const table of TENANT_TABLES) counts[table] = (await client.query<{ rows: number }>(tenantRowCountSql(table), [tenantId])).rows[0].rows;
    return counts;
  });
}

/** Deletes the tenant's rows on a shard past any fence there, and vacuums, so the next copy into the shard finds live tables only. */
export async function removeTenantRowsFrom(shard: ShardConfig, tenantId: string): Promise<void> {
  await withShardAdmin(shard, async (client) => {
    await client.query(REPLICA_ROLE_SQL);
    for (const table of TENANT_TABLES) await client.query(deleteTenantRowsSql(table), [tenantId]);
    for (const table of TENANT_TABLES) await client.query(vacuumTableSql(table));
    await client.query('checkpoint');
  });
}

/** The tenant gone from the bench's fleet: rows and fences on every shard, its moves and directory row. */
export async function dropTenant(shards: readonly ShardConfig[], tenantId: string): Promise<void> {
  for (const shard of shards) {
    await removeTenantRowsFrom(shard, tenantId);
    await liftFence(shard, tenantId);
  }
  await getControlPool().query(DELETE_TENANT_MOVES_SQL, [tenantId]);
  await getControlPool().query(DELETE_TENANT_SQL, [tenantId]);
}
