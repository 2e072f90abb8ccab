import { inTransaction } from '@/lib/control/db';
import pg from 'pg';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { withShardOwnerClient } from '@/lib/fleet/shard-owner';
import { CONSOLE_APPLICATION_NAME } from '@/lib/fleet/node-pools';
import {
  CLOCK_SQL,
  CURRENT_WAL_LSN_SQL,
  DELETE_FENCE_SQL,
  DELETE_FENCED_ONLY_SQL,
  FENCE_BYPASS_SETTING,
  FENCE_SUSPECTS_SQL,
  FLUSH_MARK_SQL,
  INSERT_FENCE_IF_ABSENT_SQL,
  LOCK_FENCE_SQL,
  MARK_MOVED_SQL,
  PREPARED_BEFORE_SQL,
  RETARGET_FENCE_SQL,
  SELECT_FENCE_SQL,
  SUSPECTS_STILL_OPEN_SQL,
} from './move-fence-sql';

/**
 * The write fence of a tenant move, on the source shard's primary as its
 * owner: a row in shardscope_tenant_fences that the trigger on every tenant
 * table checks (supabase/shards/migrations/20261201000002_move_fence.sql).
 *
 * The fence LSN. Committing the fence row stops new writes, but not writes
 * that were already past the trigger or that cannot see the row: a
 * transaction that inserted the tenant's rows before the fence and commits
 * after it, or a REPEATABLE READ transaction whose snapshot predates the
 * fence (its trigger never sees the row). Their commits would follow the
 * fence's and the drain, waiting only up to the fence LSN, would miss them.
 * So fenceTenant, after committing, waits for every transaction that may
 * still write without having seen the fence (FENCE_SUSPECTS_SQL says which)
 * and for two-phase transactions prepared meanwhile, then commits one write
 * with synchronous_commit on — its flush flushes every record before it,
 * asynchronous commits included — and only then reads the LSN. Every write
 * of the tenant this shard accepted precedes that LSN, and it is flushed, so
 * a walsender can send the subscriber up to it.
 *
 * Waiting holds the tenant's writes, so it is bounded: past waitTimeoutMs
 * the fence is lifted again (writes resume, replication keeps carrying them)
 * and FenceNotSettledError names the transactions that kept it; the move
 * tries again later (DESIGN.md: never hold writes while waiting).
 */

export type FenceState = 'fenced' | 'moved';

export interface TenantFence {
  tenantId: string;
  state: FenceState;
  targetShardId: string;
  fencedAt: Date;
}

export interface FenceResult {
  /** Every write of the tenant this shard accepted precedes this LSN ('16/B374D848'). */
  fenceLsn: string;
  /** When the fence row committed (kept from an existing fence for the same target). */
  fencedAt: Date;
  /** Backends whose transactions the fence waited for. */
  waitedForPids: number[];
}

export interface FenceOptions {
  /** How long writes may stay held while earlier transactions finish. */
  waitTimeoutMs?: number;
}

/** Stragglers are usually a few milliseconds; a transaction open for seconds is not worth holding a tenant's writes for. */
export const DEFAULT_FENCE_WAIT_TIMEOUT_MS = 5_000;
/** How often the wait looks again: every poll is a few microseconds of catalog reads, and the write block lasts at least this long. */
const FENCE_WAIT_POLL_MS = 10;
/** Fence statements touch one row; queuing behind a lock longer than this means something else is wrong. */
const FENCE_STATEMENT_TIMEOUT_MS = 10_000;

/** The fence did not settle within its timeout; the fence has been lifted again. */
export class FenceNotSettledError extends Error {
  constructor(
    readonly tenantId: string,
    readonly openTransactions: { pid: number; state: string | null; applicationName: string; xid: string | null }[],
    readonly openPreparedTransactions: string[],
    waitTimeoutMs: number,
  ) {
    const waiting = [
      ...openTransactions.map((tx) => `backend ${tx.pid} (${tx.applicationName || 'no application name'}, ${tx.state ?? 'unknown state'})`),
      ...openPreparedTransactions.map((gid) => `prepared transaction ${gid}`),
    ];
    super(
      `tenant ${tenantId}: writes that began before the fence were still open after ${waitTimeoutMs} ms (${waiting.join(', ')}); the fence was lifted, try again later`,
    );
    this.name = 'FenceNotSettledError';
  }
}

/** The fence exists in a state fenceTenant must not change. */
export class FenceConflictError extends Error {
  constructor(readonly fence: TenantFence) {
    super(`tenant ${fence.tenantId} has already moved from this shard to shard ${fence.targetShardId}; lift that fence before fencing it here again`);
    this.name = 'FenceConflictError';
  }
}

interface FenceRow {
  tenant_id: string;
  state: FenceState;
  target_shard_id: string;
  fenced_at: Date;
}

const toFence = (row: FenceRow): TenantFence => ({ tenantId: row.tenant_id, state: row.state, targetShardId: row.target_shard_id, fencedAt: row.fenced_at });

function withShardOwner<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withShardOwnerClient(shard, { statementTimeoutMs: FENCE_STATEMENT_TIMEOUT_MS, applicationName: CONSOLE_APPLICATION_NAME }, work);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Commits the 'fenced' row: idempotent (the same target keeps its time), refuses over a 'moved' row. */
async function commitFenceRow(client: pg.Client, tenantId: string, targetShardId: string): Promise<TenantFence> {
  return inTransaction(client, async () => {
    await client.query(INSERT_FENCE_IF_ABSENT_SQL, [tenantId, targetShardId]);
    const existing = toFence((await client.query<FenceRow>(LOCK_FENCE_SQL, [tenantId])).rows[0]);
    if (existing.state === 'moved') throw new FenceConflictError(existing);
    if (existing.targetShardId === targetShardId) return existing;
    return toFence((await client.query<FenceRow>(RETARGET_FENCE_SQL, [tenantId, targetShardId])).rows[0]);
  });
}

interface OpenTransactionRow {
  pid: number;
  state: string | null;
  application_name: string;
  xid: string | null;
}

interface SettleOutcome {
  waitedForPids: number[];
  /** Still open at the deadline (both empty: settled). */
  openTransactions: OpenTransactionRow[];
  openPreparedTransactions: string[];
}

/** Waits, until the deadline, for every transaction that may write the tenant's rows without having seen the committed fence. */
async function waitForFenceToSettle(client: pg.Client, deadline: number): Promise<SettleOutcome> {
  const suspects = (await client.query<{ fence_settled_after: string; pids: number[] }>(FENCE_SUSPECTS_SQL)).rows[0];
  const stillOpen = async () => (await client.query<OpenTransactionRow>(SUSPECTS_STILL_OPEN_SQL, [suspects.pids, suspects.fence_settled_after])).rows;
  let open = await stillOpen();
  while (open.length > 0 && Date.now() < deadline) {
    await sleep(FENCE_WAIT_POLL_MS);
    open = await stillOpen();
  }
  if (open.length > 0) return { waitedForPids: suspects.pids, openTransactions: open, openPreparedTransactions: [] };

  const { now: suspectsDone } = (await client.query<{ now: string }>(CLOCK_SQL)).rows[0];
  const preparedBefore = async () => (await client.query<{ gid: string }>(PREPARED_BEFORE_SQL, [suspectsDone])).rows.map((row) => row.gid);
  let prepared = await preparedBefore();
  while (prepared.length > 0 && Date.now() < deadline) {
    await sleep(FENCE_WAIT_POLL_MS);
    prepared = await preparedBefore();
  }
  return { waitedForPids: suspects.pids, openTransactions: [], openPreparedTransactions: prepared };
}

/**
 * Fences the tenant on this (source) shard and returns the fence LSN (see
 * the top of this file). Idempotent: a fence for the same target keeps its
 * time; a fence for another target is retargeted; a 'moved' row is refused
 * (FenceConflictError).
 */
export async function fenceTenant(shard: ShardConfig, tenantId: string, targetShardId: string, options: FenceOptions = {}): Promise<FenceResult> {
  const waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_FENCE_WAIT_TIMEOUT_MS;
  return withShardOwner(shard, async (client) => {
    const fence = await commitFenceRow(client, tenantId, targetShardId);
    const settled = await waitForFenceToSettle(client, Date.now() + waitTimeoutMs);
    if (settled.openTransactions.length > 0 || settled.openPreparedTransactions.length > 0) {
      await client.query(DELETE_FENCED_ONLY_SQL, [tenantId]);
      const open = settled.openTransactions.map((row) => ({ pid: row.pid, state: row.state, applicationName: row.application_name, xid: row.xid }));
      throw new FenceNotSettledError(tenantId, open, settled.openPreparedTransactions, waitTimeoutMs);
    }
    await inTransaction(client, async () => {
      await client.query('set local synchronous_commit = on');
      await client.query(FLUSH_MARK_SQL, [tenantId]);
    });
    const { lsn } = (await client.query<{ lsn: string }>(CURRENT_WAL_LSN_SQL)).rows[0];
    return { fenceLsn: lsn, fencedAt: fence.fencedAt, waitedForPids: settled.waitedForPids };
  });
}

/** After the switch: the shard refuses the tenant's writes for good, naming its new shard (SSM01). */
export async function markTenantMoved(shard: ShardConfig, tenantId: string, targetShardId: string): Promise<TenantFence> {
  return withShardOwner(shard, async (client) => toFence((await client.query<FenceRow>(MARK_MOVED_SQL, [tenantId, targetShardId])).rows[0]));
}

/** Rollback (or a move back onto this shard): the tenant's writes are taken here again. Idempotent; returns what it removed. */
export async function liftFence(shard: ShardConfig, tenantId: string): Promise<TenantFence | null> {
  return withShardOwner(shard, async (client) => {
    const row = (await client.query<FenceRow>(DELETE_FENCE_SQL, [tenantId])).rows[0];
    return row ? toFence(row) : null;
  });
}

export async function readFence(shard: ShardConfig, tenantId: string): Promise<TenantFence | null> {
  return withShardOwner(shard, async (client) => {
    const row = (await client.query<FenceRow>(SELECT_FENCE_SQL, [tenantId])).rows[0];
    return row ? toFence(row) : null;
  });
}

/**
 * Inside a transaction of the shard's owner: lets this transaction write the
 * tenant's rows despite its fence (a move's cleanup deleting the leftovers
 * under 'moved'). Transaction-local; the trigger honours it only for the owner.
 */
export async function bypassFenceInTransaction(client: Pick<pg.ClientBase, 'query'>, tenantId: string): Promise<void> {
  await client.query('select set_config($1, $2, true)', [FENCE_BYPASS_SETTING, tenantId]);
}
