import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { getControlPool } from '@/lib/control/db';
import { checkMoveCapacity } from './move-capacity';
import { compareTenantCatalogs, targetHasTenantRows } from './move-catalog';
import { clearFence, recordFence, removeTenantRows, setStatusOnSource, switchTenant, tenantPlace } from './move-directory';
import { FenceNotSettledError, fenceTenant, liftFence, markTenantMoved, readFence } from './move-fence';
import type { MovePhase } from './move-model';
import { copyProgress, replicationLag, waitUntilAppliedPast } from './move-progress';
import { createPublication, createSubscription, createTargetSchema, dropReplicationObjects } from './move-replication';
import { checkpoint, type MoveRow } from './move-store';
import { setSequencesPastMovedIds, verifyTenant, type TenantVerifyProgress } from './move-verify';

/**
 * One function per phase of a logical move. Each reads real state first
 * (does the subscription exist? is the fence there? is the tenant already on
 * the target?), so running it again after a crash at any point does the
 * right thing. A phase returns the phase to go to, or 'yield' when the
 * caller's time slice ran out while it waited (it is simply run again).
 */

export interface MoveTimings {
  pollMs: number;
  /** Initial copy of every table, per run of the copy phase. */
  copyTimeoutMs: number;
  /** Catch-up is done when the slot's lag is under this (PgDog pauses only under 1 MiB). */
  lagBoundBytes: number;
  catchUpTimeoutMs: number;
  /** How long the source's fence may wait for writes that began before it. */
  fenceWaitMs: number;
  /** Writes are held while drain waits: never longer than this, then the fence is lifted and catch-up runs again. */
  drainTimeoutMs: number;
  maxDrainRetries: number;
  /** A slot holding more WAL than this on the source fails the move (a stuck copy must not fill the disk). */
  retainedWalLimitBytes: number;
  cleanupBatchRows: number;
  cleanupPauseMs: number;
}

export const DEFAULT_MOVE_TIMINGS: MoveTimings = {
  pollMs: 500,
  copyTimeoutMs: 2 * 60 * 60_000,
  lagBoundBytes: 1024 * 1024,
  catchUpTimeoutMs: 10 * 60_000,
  fenceWaitMs: 5_000,
  drainTimeoutMs: 10_000,
  maxDrainRetries: 5,
  retainedWalLimitBytes: 10 * 1024 ** 3,
  cleanupBatchRows: 1_000,
  cleanupPauseMs: 20,
};

export interface PhaseContext {
  move: MoveRow;
  source: ShardConfig;
  target: ShardConfig;
  timings: MoveTimings;
  /** Throws MoveCancelledError when a cancel was requested (checked while a phase waits). */
  checkCancel: () => Promise<void>;
  /** The caller's time slice is over: a waiting phase returns 'yield'. */
  sliceOver: () => boolean;
}

export type PhaseResult = MovePhase | 'yield';

/** Prepare found a reason not to move; nothing was created, so there is nothing to roll back. */
export class MoveRefusedAtPrepareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefusedAtPrepareError';
  }
}

export class MoveCancelledError extends Error {
  constructor() {
    super('cancel requested');
    this.name = 'MoveCancelledError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const layoutSchema = (move: MoveRow) => move.schemaName;

const MEASURED_BYTES_SQL = `select storage_bytes from tenant_usage_latest where tenant_id = $1`;

/** The subscription exists: prepare already got that far, so its checks held then (the target now has the copy's rows). */
async function subscribed(ctx: PhaseContext): Promise<boolean> {
  return (await copyProgress(ctx.target, ctx.move.id)).subscriptionExists;
}

/**
 * What either strategy's prepare refuses before it creates anything (the API
 * checked the same, but time passed): the tenant gone, pinned or elsewhere,
 * different tenant tables on the target, the tenant's rows already there.
 */
export async function refuseUnlessMovable(ctx: PhaseContext): Promise<void> {
  const { move, source, target } = ctx;
  const place = await tenantPlace(move.tenantId);
  if (!place) throw new MoveRefusedAtPrepareError(`tenant ${move.tenantId} is gone from the directory`);
  if (place.pinned) throw new MoveRefusedAtPrepareError(`tenant ${move.tenantId} is pinned to ${place.shardId}`);
  if (place.shardId !== move.sourceShardId) throw new MoveRefusedAtPrepareError(`tenant ${move.tenantId} is on ${place.shardId}, not ${move.sourceShardId}`);
  // A schema tenant's schema is created on the target from the public templates: compare those first.
  const catalogs = await compareTenantCatalogs(source, target, null);
  if (!catalogs.equal) throw new MoveRefusedAtPrepareError(`the tenant tables differ between ${source.id} and ${target.id}: ${catalogs.differences.join('; ')}`);
  const present = Object.entries(await targetHasTenantRows(target, move.tenantId, layoutSchema(move))).filter(([, rows]) => rows > 0);
  if (present.length > 0) {
    throw new MoveRefusedAtPrepareError(`${target.id} already holds rows of tenant ${move.tenantId} (${present.map(([table, rows]) => `${table}: ${rows}`).join(', ')})`);
  }
}

export async function prepare(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target } = ctx;
  if (!(await subscribed(ctx))) {
    // Room for one more subscription (slots, WAL senders, workers) before anything is created: a move short of them stalls halfway.
    const noRoom = await checkMoveCapacity(source, target, move.id);
    if (noRoom) throw new MoveRefusedAtPrepareError(noRoom);
    await refuseUnlessMovable(ctx);
    // From here on the tenant's rows on the target are the move's own: rollback may remove them.
    await checkpoint(move.id, 'prepare', { checkpoint: { ...move.checkpoint, targetClaimed: true } });
    await setStatusOnSource(move.tenantId, move.sourceShardId, 'moving');
    const schema = layoutSchema(move);
    if (schema !== null) {
      await createTargetSchema(target, schema);
      const tenantCatalogs = await compareTenantCatalogs(source, target, schema);
      if (!tenantCatalogs.equal) throw new Error(`tenant schema ${schema} differs between ${source.id} and ${target.id}: ${tenantCatalogs.differences.join('; ')}`);
    }
    await createPublication(source, move.id, move.tenantId, schema);
    await createSubscription(target, source, move.id);
  }
  const measured = (await getControlPool().query<{ storage_bytes: string }>(MEASURED_BYTES_SQL, [move.tenantId])).rows[0];
  if (measured) await checkpoint(move.id, 'prepare', { bytesTotal: Number(measured.storage_bytes) });
  return 'copy';
}

async function guardRetainedWal(ctx: PhaseContext): Promise<number> {
  const lag = await replicationLag(ctx.source, ctx.move.id);
  if (!lag) throw new Error(`the move's replication slot is missing on ${ctx.source.id}`);
  if (lag.retainedBytes > ctx.timings.retainedWalLimitBytes) {
    throw new Error(`the move's slot on ${ctx.source.id} retains ${lag.retainedBytes} bytes of WAL, over the limit of ${ctx.timings.retainedWalLimitBytes}`);
  }
  return lag.lagBytes;
}

export async function copy(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, target, timings } = ctx;
  const deadline = Date.now() + timings.copyTimeoutMs;
  for (;;) {
    const progress = await copyProgress(target, move.id);
    if (!progress.subscriptionExists) throw new Error(`the move's subscription is missing on ${target.id}`);
    if (progress.ready) {
      const rows = Object.values(await targetHasTenantRows(target, move.tenantId, layoutSchema(move))).reduce((sum, count) => sum + count, 0);
      await checkpoint(move.id, 'copy', { rowsCopied: rows, bytesCopied: move.bytesTotal ?? 0 });
      return 'catch_up';
    }
    const copying = progress.tables.filter((table) => table.copyingBytes !== null);
    await checkpoint(move.id, 'copy', {
      bytesCopied: copying.reduce((sum, table) => sum + (table.copyingBytes ?? 0), 0),
      rowsCopied: copying.reduce((sum, table) => sum + (table.copyingRows ?? 0), 0),
    });
    await guardRetainedWal(ctx);
    if (Date.now() > deadline) throw new Error(`the initial copy did not finish within ${Math.round(timings.copyTimeoutMs / 1000)} s`);
    await ctx.checkCancel();
    if (ctx.sliceOver()) return 'yield';
    await sleep(timings.pollMs);
  }
}

export async function catchUp(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target, timings } = ctx;
  // A schema change during the move breaks replication: compare again before fencing.
  const catalogs = await compareTenantCatalogs(source, target, layoutSchema(move));
  if (!catalogs.equal) throw new Error(`the tenant tables changed during the move: ${catalogs.differences.join('; ')}`);
  const deadline = Date.now() + timings.catchUpTimeoutMs;
  for (;;) {
    const lagBytes = await guardRetainedWal(ctx);
    if (lagBytes <= timings.lagBoundBytes) return 'fence';
    if (Date.now() > deadline) throw new Error(`replication lag stayed above ${timings.lagBoundBytes} bytes for ${Math.round(timings.catchUpTimeoutMs / 1000)} s (last ${lagBytes})`);
    await ctx.checkCancel();
    if (ctx.sliceOver()) return 'yield';
    await sleep(timings.pollMs);
  }
}

/** Drain gave up (or fencing could not settle): writes resume on the source and catch-up runs again, a bounded number of times. */
async function unfenceAndRetry(ctx: PhaseContext, why: string): Promise<PhaseResult> {
  const { move } = ctx;
  const retries = (move.checkpoint.drainRetries ?? 0) + 1;
  await liftFence(ctx.source, move.tenantId);
  await setStatusOnSource(move.tenantId, move.sourceShardId, 'moving');
  await clearFence(move.id);
  if (retries > ctx.timings.maxDrainRetries) throw new Error(`${why}; gave up after ${retries - 1} retries`);
  await checkpoint(move.id, 'catch_up', { checkpoint: { ...move.checkpoint, drainRetries: retries, lastDrainProblem: why } });
  return 'catch_up';
}

export async function fence(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source } = ctx;
  await setStatusOnSource(move.tenantId, move.sourceShardId, 'fenced');
  try {
    const fenced = await fenceTenant(source, move.tenantId, move.targetShardId, { waitTimeoutMs: ctx.timings.fenceWaitMs });
    await recordFence(move.id, fenced.fenceLsn, fenced.fencedAt);
  } catch (error) {
    if (error instanceof FenceNotSettledError) return unfenceAndRetry(ctx, error.message);
    throw error;
  }
  return 'drain';
}

export async function drain(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, timings } = ctx;
  const fenceRow = await readFence(source, move.tenantId);
  // Resumed after the fence was lifted (or before it was recorded): fence again.
  if (!fenceRow || fenceRow.state !== 'fenced' || move.fenceLsn === null) return 'fence';
  const applied = await waitUntilAppliedPast(source, move.id, move.fenceLsn, { timeoutMs: timings.drainTimeoutMs, pollMs: Math.min(timings.pollMs, 50) });
  if (!applied) return unfenceAndRetry(ctx, `the target had not applied up to the fence (${move.fenceLsn}) after ${timings.drainTimeoutMs} ms`);
  return 'verify';
}

export async function verify(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target } = ctx;
  const fenceRow = await readFence(source, move.tenantId);
  if (!fenceRow || fenceRow.state !== 'fenced') return 'fence';
  const results = await verifyTenant(source, target, move.tenantId, layoutSchema(move), {
    resumeFrom: move.checkpoint.verify as TenantVerifyProgress | undefined,
    onProgress: (progress) => checkpoint(move.id, 'verify', { checkpoint: { ...move.checkpoint, verify: progress } }),
  });
  const verification = results.map(({ table, sourceRows, targetRows, sourceHash, targetHash, equal }) => ({ table, sourceRows, targetRows, sourceHash, targetHash, equal }));
  // A later verify (after a drain retry) starts over: the rows may have changed since.
  await checkpoint(move.id, 'verify', { verification, checkpoint: { ...move.checkpoint, verify: undefined } });
  const unequal = verification.filter((table) => !table.equal);
  if (unequal.length > 0) {
    throw new Error(`verification found differences in ${unequal.map((table) => `${table.table} (${table.sourceRows} rows on ${source.id}, ${table.targetRows} on ${target.id})`).join(', ')}`);
  }
  await setSequencesPastMovedIds(target, move.tenantId, layoutSchema(move));
  return 'switch';
}

export async function switchOver(ctx: PhaseContext): Promise<PhaseResult> {
  const { move } = ctx;
  // A tenant coming back to a shard it once left finds its old 'moved' row there: lifted before the directory sends writes
  // there (until the switch commits, every write still goes to the fenced source).
  await liftFence(ctx.target, move.tenantId);
  await switchTenant(move.id, move.tenantId, move.sourceShardId, move.targetShardId);
  // Stale writers on the source get SSM01 naming the new shard from here on.
  await markTenantMoved(ctx.source, move.tenantId, move.targetShardId);
  return 'cleanup';
}

export async function cleanup(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target, timings } = ctx;
  await dropReplicationObjects(source, target, move.id);
  const done = await removeTenantRows(source, move.tenantId, layoutSchema(move), {
    batchRows: timings.cleanupBatchRows,
    pauseMs: timings.cleanupPauseMs,
    shouldPause: ctx.sliceOver,
  });
  return done ? 'finished' : 'yield';
}

/**
 * Undoes a move that has not switched: replication objects dropped, the
 * tenant's copy on the target removed, the fence lifted, the directory back
 * to active on the source. Refuses when the directory already names the
 * target (the switch committed: only cleanup may follow).
 */
export async function rollback(ctx: PhaseContext): Promise<void> {
  const { move, source, target, timings } = ctx;
  const place = await tenantPlace(move.tenantId);
  if (place?.shardId === move.targetShardId) throw new Error(`tenant ${move.tenantId} already switched to ${move.targetShardId}: not rolling back`);
  await dropReplicationObjects(source, target, move.id);
  if (move.checkpoint.targetClaimed) await removeTenantRows(target, move.tenantId, layoutSchema(move), { batchRows: timings.cleanupBatchRows, pauseMs: 0 });
  await liftFence(source, move.tenantId);
  await setStatusOnSource(move.tenantId, move.sourceShardId, 'active');
  await clearFence(move.id);
}

export const FORWARD_PHASE_RUNNERS: Partial<Record<MovePhase, (ctx: PhaseContext) => Promise<PhaseResult>>> = {
  prepare,
  copy,
  catch_up: catchUp,
  fence,
  drain,
  verify,
  switch: switchOver,
  cleanup,
};
