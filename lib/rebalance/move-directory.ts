import { getControlPool, inTransaction, withControlTransaction } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { TENANT_TABLES, dropTenantSchema, tenantTableNames } from '@/lib/tenants/tenant-schema';
import { bypassFenceInTransaction } from './move-fence';
import { assertTenantId, withShardOwner } from './move-replication';

/**
 * What a move changes outside its replication objects: the tenant's
 * directory row on the control DB (status, and the switch itself; route
 * notifications follow from the tenants triggers) and the tenant's rows on a
 * shard it leaves (cleanup on the source, rollback on the target).
 */

/** The directory status while the tenant is on its source; only from the move's own states, never over 'suspended'. */
const SET_STATUS_ON_SOURCE_SQL = `
  update tenants
  set status = $3
  where id = $1
    and shard_id = $2
    and status in ('active', 'moving', 'fenced')`;

const TENANT_PLACE_SQL = `
  select shard_id, status, pinned
  from tenants
  where id = $1`;

const SWITCH_TENANT_SQL = `
  update tenants
  set shard_id = $3,
      status = 'active'
  where id = $1
    and shard_id = $2`;

/** The write-block window: the switch's commit (as near as a statement can tell) minus the fence commit. */
const RECORD_SWITCH_SQL = `
  update tenant_moves
  set switched_at = clock_timestamp(),
      write_block_ms = greatest(0, round(extract(epoch from (clock_timestamp() - fenced_at)) * 1000))::int
  where id = $1`;

const RECORD_FENCE_SQL = `
  update tenant_moves
  set fence_lsn = $2::pg_lsn,
      fenced_at = $3
  where id = $1`;

const CLEAR_FENCE_SQL = `
  update tenant_moves
  set fence_lsn = null,
      fenced_at = null
  where id = $1`;

/**
 * One batch of the tenant's rows, the next ones in id order after the last
 * batch's last id (after: with $3 that id; otherwise from the start). The ids
 * are picked once (an array subquery is an init plan) and deleted by key
 * lookup: as `id in (select … limit)` the planner's estimate of 1 row on
 * freshly copied rows gave a nested loop that ran the LIMIT subquery again per
 * row. Starting past the last id skips the dead index entries of the batches
 * before. Returns the batch's row count and last id.
 */
const deleteBatchSql = (qualifiedTable: string, after: boolean) => `
  with gone as (
    delete from ${qualifiedTable}
    where tenant_id = $1
      and id = any(array(
        select id
        from ${qualifiedTable}
        where tenant_id = $1${after ? '\n          and id > $3::bigint' : ''}
        order by id
        limit $2::int
      ))
    returning id
  )
  select count(*)::int as deleted, max(id)::text as last_id
  from gone`;

interface DeletedBatch {
  deleted: number;
  last_id: string | null;
}

export type SourceStatus = 'active' | 'moving' | 'fenced';

export async function setStatusOnSource(tenantId: string, sourceShardId: string, status: SourceStatus): Promise<void> {
  await getControlPool().query(SET_STATUS_ON_SOURCE_SQL, [tenantId, sourceShardId, status]);
}

export async function tenantPlace(tenantId: string): Promise<{ shardId: string; status: string; pinned: boolean } | null> {
  const row = (await getControlPool().query<{ shard_id: string; status: string; pinned: boolean }>(TENANT_PLACE_SQL, [tenantId])).rows[0];
  return row ? { shardId: row.shard_id, status: row.status, pinned: row.pinned } : null;
}

export async function recordFence(moveId: string, fenceLsn: string, fencedAt: Date): Promise<void> {
  await getControlPool().query(RECORD_FENCE_SQL, [moveId, fenceLsn, fencedAt]);
}

export async function clearFence(moveId: string): Promise<void> {
  await getControlPool().query(CLEAR_FENCE_SQL, [moveId]);
}

/**
 * The switch, in one control transaction: the tenant's route names the
 * target (status active; the triggers notify the apps) and the move records
 * its write-block window. Idempotent: a tenant already on the target is left
 * as it is (the window was recorded with it).
 */
export async function switchTenant(moveId: string, tenantId: string, sourceShardId: string, targetShardId: string): Promise<void> {
  await withControlTransaction(async (client) => {
    const switched = await client.query(SWITCH_TENANT_SQL, [tenantId, sourceShardId, targetShardId]);
    if (switched.rowCount) {
      await client.query(RECORD_SWITCH_SQL, [moveId]);
      return;
    }
    const place = (await client.query<{ shard_id: string }>(TENANT_PLACE_SQL, [tenantId])).rows[0];
    if (place?.shard_id !== targetShardId) throw new Error(`tenant ${tenantId} is on ${place?.shard_id ?? 'no shard'}, neither ${sourceShardId} nor ${targetShardId}: not switching`);
  });
}

export interface RemovalOptions {
  batchRows: number;
  pauseMs: number;
  /** Checked between batches: true stops early (the caller resumes later; deleting is idempotent). */
  shouldPause?: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes the tenant's rows on a shard in bounded batches, each its own
 * transaction past the tenant's fence there (the source refuses the tenant's
 * writes after the switch), pausing between batches so the shard's other
 * tenants keep their I/O; or drops a schema-layout tenant's schema. Returns
 * false when shouldPause stopped it before everything was gone.
 */
export async function removeTenantRows(shard: ShardConfig, tenantId: string, schemaName: string | null, options: RemovalOptions): Promise<boolean> {
  assertTenantId(tenantId);
  return withShardOwner(shard, async (client) => {
    if (schemaName !== null) {
      await dropTenantSchema(client, schemaName);
      return true;
    }
    const names = tenantTableNames(null);
    for (const table of TENANT_TABLES) {
      let lastId: string | null = null;
      for (;;) {
        if (options.shouldPause?.()) return false;
        const params: unknown[] = lastId === null ? [tenantId, options.batchRows] : [tenantId, options.batchRows, lastId];
        const batch = await inTransaction(client, async () => {
          await bypassFenceInTransaction(client, tenantId);
          return (await client.query<DeletedBatch>(deleteBatchSql(names[table], lastId !== null), params)).rows[0];
        });
        const deleted = batch.deleted;
        lastId = batch.last_id ?? lastId;
        if (deleted < options.batchRows) break;
        await sleep(options.pauseMs);
      }
    }
    return true;
  });
}
