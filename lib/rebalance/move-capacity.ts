import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { replicationObjectNames } from './move-model';
import { withShardOwner } from './move-replication';

/**
 * Whether two shards have room for one more move, read before anything is
 * created (at the start of prepare, and by the API before it queues a move):
 * a move that runs out of slots, WAL senders or replication workers halfway
 * does not fail, it stalls (a table-sync worker retries for ever), so it is
 * refused up front with the reason in plain words.
 *
 * One move is one subscription: on the source its slot and a walsender, plus a
 * table-sync slot and walsender per table copying at once; on the target an
 * apply worker plus its table-sync workers (max_sync_workers_per_subscription),
 * each tracking its progress in a replication origin. The copy progresses with
 * one sync at a time, so each side needs room for 2 (the stream plus one
 * table copying).
 */

/** Room one move needs on each side: the subscription's stream plus one table copying. */
export const MOVE_NEEDS = { slots: 2, walSenders: 2, logicalWorkers: 2, origins: 2 } as const;

/**
 * Source: every slot counts against max_replication_slots, active or not (the
 * move's own slot excluded: a prepare resumed after a crash inside CREATE
 * SUBSCRIPTION drops and recreates it); walsenders are every row of
 * pg_stat_replication (physical replicas included). Healthy: free ≥ 2.
 */
const SOURCE_CAPACITY_SQL = `
  select current_setting('max_replication_slots')::int as max_slots,
         (select count(*)::int from pg_replication_slots where slot_name <> $1) as slots_in_use,
         current_setting('max_wal_senders')::int as max_wal_senders,
         (select count(*)::int from pg_stat_replication) as wal_senders_in_use`;

/**
 * Target: logical replication workers running now (apply, table-sync and
 * parallel apply workers of every subscription of the cluster: pg_subscription
 * is shared) against max_logical_replication_workers. Healthy: free ≥ 2.
 *
 * And replication origins holding progress state: every subscription's apply
 * worker and every table sync keeps one, and a subscriber tracks at most
 * max_replication_slots of them (max_active_replication_origins from PG 18).
 * With none free, CREATE SUBSCRIPTION still succeeds but its workers fail to
 * start and retry for ever ("could not find free replication state slot").
 * A state stays taken until its origin is dropped, running or not. A role
 * that may not read them (the status function is not granted to PUBLIC) has
 * that limit left unchecked. Healthy: free ≥ 2.
 */
const TARGET_CAPACITY_SQL = `
  select current_setting('max_logical_replication_workers')::int as max_workers,
         current_setting('max_sync_workers_per_subscription')::int as max_sync_workers,
         (select count(*)::int from pg_stat_subscription where pid is not null) as workers_in_use,
         coalesce(current_setting('max_active_replication_origins', true), current_setting('max_replication_slots'))::int as max_origins,
         has_function_privilege('pg_catalog.pg_show_replication_origin_status()', 'execute') as may_read_origins`;

/** Replication origins holding state on the target (asked only when TARGET_CAPACITY_SQL says the role may). */
const ORIGINS_IN_USE_SQL = `select count(*)::int as origins_in_use from pg_replication_origin_status`;

export interface MoveCapacity {
  source: { shardId: string; maxSlots: number; slotsInUse: number; maxWalSenders: number; walSendersInUse: number };
  target: { shardId: string; maxWorkers: number; workersInUse: number; maxSyncWorkers: number; maxOrigins: number; originsInUse: number | null };
  /** Why the move cannot start now, in the operator's words; empty when it can. */
  refusals: string[];
}

/** What the source and target allow now; `moveId` (when given) names the move whose own leftover slot does not count. */
export async function readMoveCapacity(source: ShardConfig, target: ShardConfig, moveId?: string): Promise<MoveCapacity> {
  const ownSlot = moveId ? replicationObjectNames(moveId).slot : '';
  const [src, tgt] = await Promise.all([
    withShardOwner(source, async (client) => (await client.query(SOURCE_CAPACITY_SQL, [ownSlot])).rows[0]),
    withShardOwner(target, async (client) => {
      const row = (await client.query(TARGET_CAPACITY_SQL)).rows[0];
      const originsInUse: number | null = row.may_read_origins ? (await client.query(ORIGINS_IN_USE_SQL)).rows[0].origins_in_use : null;
      return { ...row, origins_in_use: originsInUse };
    }),
  ]);
  const capacity: MoveCapacity = {
    source: { shardId: source.id, maxSlots: src.max_slots, slotsInUse: src.slots_in_use, maxWalSenders: src.max_wal_senders, walSendersInUse: src.wal_senders_in_use },
    target: {
      shardId: target.id,
      maxWorkers: tgt.max_workers,
      workersInUse: tgt.workers_in_use,
      maxSyncWorkers: tgt.max_sync_workers,
      maxOrigins: tgt.max_origins,
      originsInUse: tgt.origins_in_use,
    },
    refusals: [],
  };
  const freeSlots = capacity.source.maxSlots - capacity.source.slotsInUse;
  if (freeSlots < MOVE_NEEDS.slots) {
    capacity.refusals.push(
      `${source.id} has ${Math.max(0, freeSlots)} free replication slots (${capacity.source.slotsInUse} of max_replication_slots ${capacity.source.maxSlots} in use); a move needs ${MOVE_NEEDS.slots}`,
    );
  }
  const freeSenders = capacity.source.maxWalSenders - capacity.source.walSendersInUse;
  if (freeSenders < MOVE_NEEDS.walSenders) {
    capacity.refusals.push(
      `${source.id} has ${Math.max(0, freeSenders)} free WAL senders (${capacity.source.walSendersInUse} of max_wal_senders ${capacity.source.maxWalSenders} in use); a move needs ${MOVE_NEEDS.walSenders}`,
    );
  }
  const freeWorkers = capacity.target.maxWorkers - capacity.target.workersInUse;
  if (freeWorkers < MOVE_NEEDS.logicalWorkers) {
    capacity.refusals.push(
      `${target.id} has ${Math.max(0, freeWorkers)} free logical replication workers (${capacity.target.workersInUse} of max_logical_replication_workers ${capacity.target.maxWorkers} running); a move needs ${MOVE_NEEDS.logicalWorkers} (one apply worker and at least one table-sync worker)`,
    );
  }
  if (capacity.target.originsInUse !== null) {
    const freeOrigins = capacity.target.maxOrigins - capacity.target.originsInUse;
    if (freeOrigins < MOVE_NEEDS.origins) {
      capacity.refusals.push(
        `${target.id} has ${Math.max(0, freeOrigins)} free replication origin slots (${capacity.target.originsInUse} of ${capacity.target.maxOrigins} in use; a subscriber tracks at most max_replication_slots origins); a move needs ${MOVE_NEEDS.origins} (one for the subscription and one for the table being copied)`,
      );
    }
  }
  return capacity;
}

/** The reason a move from source to target cannot start now (one sentence, plain words), or null when there is room. */
export async function checkMoveCapacity(source: ShardConfig, target: ShardConfig, moveId?: string): Promise<string | null> {
  const { refusals } = await readMoveCapacity(source, target, moveId);
  return refusals.length === 0 ? null : `not enough replication capacity: ${refusals.join('; ')}. Wait for running moves to finish, or raise the setting (needs a restart).`;
}
