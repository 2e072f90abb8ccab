import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { replicationObjectNames } from './move-model';
import { withShardOwner } from './move-replication';
import { APPLIED_PAST_SQL, COPY_PROGRESS_SQL, SLOT_POSITION_SQL, SUBSCRIPTION_SQL, SUBSCRIPTION_TABLES_SQL } from './move-replication-sql';

/**
 * How far a logical move's replication has got: the initial copy of each
 * table on the target, the slot's lag on the source, and whether the target
 * has applied up to a given source position (the drain's fence LSN).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One table's initial sync: its pg_subscription_rel state and, while its COPY runs, what it has received. */
export interface TableCopyProgress {
  table: string;
  /** i init, d data copy, f copy finished, s synchronized, r ready. */
  state: string;
  ready: boolean;
  copyingBytes: number | null;
  copyingRows: number | null;
}

export interface CopyProgress {
  subscriptionExists: boolean;
  /** Every table's initial copy is done and it streams: the copy phase may end. */
  ready: boolean;
  tables: TableCopyProgress[];
}

/**
 * The copy phase's progress on the target. Bytes are those of the COPYs
 * running now; a ready table has all of its rows (the caller adds the
 * tenant's measured bytes of ready tables).
 */
export async function copyProgress(target: ShardConfig, moveId: string): Promise<CopyProgress> {
  const { subscription } = replicationObjectNames(moveId);
  return withShardOwner(target, async (client) => {
    const { rowCount } = await client.query(SUBSCRIPTION_SQL, [subscription]);
    if (!rowCount) return { subscriptionExists: false, ready: false, tables: [] };
    const tables = (await client.query<{ table_name: string; state: string }>(SUBSCRIPTION_TABLES_SQL, [subscription])).rows;
    const copying = new Map(
      (await client.query<{ table_name: string; bytes_processed: string; tuples_processed: string }>(COPY_PROGRESS_SQL, [subscription])).rows.map(
        (row) => [row.table_name, row] as const,
      ),
    );
    const progress = tables.map(({ table_name: table, state }) => {
      const copy = copying.get(table);
      return {
        table,
        state,
        ready: state === 'r',
        copyingBytes: copy ? Number(copy.bytes_processed) : null,
        copyingRows: copy ? Number(copy.tuples_processed) : null,
      };
    });
    return { subscriptionExists: true, ready: progress.length > 0 && progress.every((table) => table.ready), tables: progress };
  });
}

export interface ReplicationLag {
  /** Source WAL not yet confirmed by the target: the catch-up distance. */
  lagBytes: number;
  /** WAL the slot keeps on the source's disk. */
  retainedBytes: number;
  confirmedFlushLsn: string | null;
  currentLsn: string;
  /** A walsender streams from the slot (the target's apply worker is connected). */
  active: boolean;
}

/** The move's slot on the source, or null when it does not exist. */
export async function replicationLag(source: ShardConfig, moveId: string): Promise<ReplicationLag | null> {
  const { slot } = replicationObjectNames(moveId);
  return withShardOwner(source, async (client) => {
    const { rows } = await client.query(SLOT_POSITION_SQL, [slot]);
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      lagBytes: Number(row.lag_bytes ?? 0),
      retainedBytes: Number(row.retained_bytes ?? 0),
      confirmedFlushLsn: row.confirmed_flush_lsn,
      currentLsn: row.current_lsn,
      active: row.active,
    };
  });
}

/** Whether the target has applied everything up to `lsn` (drain: the fence LSN). False without a slot. */
export async function appliedPast(source: ShardConfig, moveId: string, lsn: string): Promise<boolean> {
  const { slot } = replicationObjectNames(moveId);
  return withShardOwner(source, async (client) => (await client.query(APPLIED_PAST_SQL, [slot, lsn])).rows[0]?.applied === true);
}

/**
 * Waits on one connection until the target has applied everything up to
 * `lsn` (drain: the fence LSN), polling every pollMs: true when it has,
 * false when timeoutMs passed first.
 */
export async function waitUntilAppliedPast(source: ShardConfig, moveId: string, lsn: string, wait: { timeoutMs: number; pollMs: number }): Promise<boolean> {
  const { slot } = replicationObjectNames(moveId);
  const deadline = Date.now() + wait.timeoutMs;
  return withShardOwner(source, async (client) => {
    for (;;) {
      if ((await client.query(APPLIED_PAST_SQL, [slot, lsn])).rows[0]?.applied === true) return true;
      if (Date.now() > deadline) return false;
      await sleep(wait.pollMs);
    }
  });
}
