import { getControlPool } from '@/lib/control/db';
import { TENANT_TABLES, type TenantTable } from '@/lib/tenants/tenant-schema';
import { compareTenantCatalogs } from './move-catalog';
import { copyTenantTable, withCopySides } from './move-copy';
import { MEASURED_BYTES_SQL } from './move-copy-sql';
import { clearFence, recordFence, setStatusOnSource } from './move-directory';
import { FenceNotSettledError, fenceTenant, readFence } from './move-fence';
import type { MovePhase } from './move-model';
import { cleanup, refuseUnlessMovable, switchOver, verify, type PhaseContext, type PhaseResult } from './move-phases';
import { createTargetSchema } from './move-replication';
import { checkpoint, type MoveCheckpoint } from './move-store';

/**
 * One function per phase of a copy move (prepare → fence → copy → verify →
 * switch → cleanup), for shards whose role may not create subscriptions:
 * no publication, subscription or slot is ever created. The tenant is fenced
 * before its rows are copied, so its writes stay blocked for the whole copy
 * and verification (move-estimate.ts says how long, before the move is
 * confirmed). Verify, switch and cleanup are the logical strategy's own, and
 * so is rollback (move-phases.ts). Each phase checks real state first, like
 * the logical ones, so it can run again after a crash at any point.
 */

/** Where the copy phase stands, in the move's checkpoint (JSON-safe). */
export interface CopyCheckpoint {
  /** Tables whose copy committed on the target, in TENANT_TABLES order. */
  tablesCopied: TenantTable[];
  /** COPY text bytes and rows of those tables. */
  bytesStreamed: number;
  rows: number;
  /** Fence attempts that did not settle (the fence was lifted each time). */
  fenceRetries?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const copyCheckpointOf = (saved: MoveCheckpoint): CopyCheckpoint => {
  const copy = saved.copy as Partial<CopyCheckpoint> | undefined;
  return { tablesCopied: copy?.tablesCopied ?? [], bytesStreamed: copy?.bytesStreamed ?? 0, rows: copy?.rows ?? 0, fenceRetries: copy?.fenceRetries };
};

export async function prepareCopy(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target } = ctx;
  // Claimed: the checks held then, and the target's rows of the tenant are the move's from here on (rollback may remove them).
  if (!move.checkpoint.targetClaimed) {
    await refuseUnlessMovable(ctx);
    await checkpoint(move.id, 'prepare', { checkpoint: { ...move.checkpoint, targetClaimed: true } });
  }
  await setStatusOnSource(move.tenantId, move.sourceShardId, 'moving');
  if (move.schemaName !== null) {
    await createTargetSchema(target, move.schemaName);
    const tenantCatalogs = await compareTenantCatalogs(source, target, move.schemaName);
    if (!tenantCatalogs.equal) throw new Error(`tenant schema ${move.schemaName} differs between ${source.id} and ${target.id}: ${tenantCatalogs.differences.join('; ')}`);
  }
  const measured = (await getControlPool().query<{ storage_bytes: string }>(MEASURED_BYTES_SQL, [move.tenantId])).rows[0];
  if (measured) await checkpoint(move.id, 'prepare', { bytesTotal: Number(measured.storage_bytes) });
  return 'fence';
}

/**
 * Fences the tenant on the source: from its commit the tenant's writes wait
 * for the switch (the write-block clock starts). A fence that cannot settle
 * (older transactions still open) was lifted by fenceTenant; writes flow
 * again for as long as it held them, then the fence is tried again, a
 * bounded number of times.
 */
export async function fenceForCopy(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target, timings } = ctx;
  // The copy's column lists come from the source: a table changed since prepare fails here, before any write is held.
  const catalogs = await compareTenantCatalogs(source, target, move.schemaName);
  if (!catalogs.equal) throw new Error(`the tenant tables changed during the move: ${catalogs.differences.join('; ')}`);
  await setStatusOnSource(move.tenantId, move.sourceShardId, 'fenced');
  try {
    const fenced = await fenceTenant(source, move.tenantId, move.targetShardId, { waitTimeoutMs: timings.fenceWaitMs });
    await recordFence(move.id, fenced.fenceLsn, fenced.fencedAt);
    return 'copy';
  } catch (error) {
    if (!(error instanceof FenceNotSettledError)) throw error;
    const copy = copyCheckpointOf(move.checkpoint);
    const retries = (copy.fenceRetries ?? 0) + 1;
    await setStatusOnSource(move.tenantId, move.sourceShardId, 'moving');
    await clearFence(move.id);
    if (retries > timings.maxDrainRetries) throw new Error(`${error.message}; gave up after ${retries - 1} retries`);
    await checkpoint(move.id, 'fence', { checkpoint: { ...move.checkpoint, copy: { ...copy, fenceRetries: retries }, lastFenceProblem: error.message } });
    await sleep(timings.fenceWaitMs);
    return 'fence';
  }
}

/**
 * Streams each tenant table the checkpoint does not list as copied, and
 * checkpoints after each: a resumed copy starts at the first table not
 * committed. Between tables a cancel is honoured and a spent time slice
 * yields; inside a table, a cancel stops the stream (its transaction rolls
 * back) and the slice is not checked (a table is copied whole or not at all).
 */
export async function copyTenant(ctx: PhaseContext): Promise<PhaseResult> {
  const { move, source, target, timings } = ctx;
  const fenceRow = await readFence(source, move.tenantId);
  // Resumed after the fence was lifted (or before it was recorded): the source's rows could change under the copy.
  if (!fenceRow || fenceRow.state !== 'fenced' || move.fencedAt === null) return 'fence';
  const done = copyCheckpointOf(move.checkpoint);
  const pending = TENANT_TABLES.filter((table) => !done.tablesCopied.includes(table));
  return withCopySides(source, target, timings.copyTimeoutMs, async (sides) => {
    for (const table of pending) {
      await ctx.checkCancel();
      if (ctx.sliceOver()) return 'yield';
      const copied = await copyTenantTable(sides, table, move.tenantId, move.schemaName, async (streamed) => {
        await checkpoint(move.id, 'copy', { bytesCopied: done.bytesStreamed + streamed.bytes, rowsCopied: done.rows + streamed.rows });
        await ctx.checkCancel();
      });
      done.tablesCopied.push(table);
      done.bytesStreamed += copied.bytes;
      done.rows += copied.rows;
      await checkpoint(move.id, 'copy', { checkpoint: { ...move.checkpoint, copy: done }, bytesCopied: done.bytesStreamed, rowsCopied: done.rows });
    }
    // COPY text and the measured storage differ in size: a finished copy shows its total, as a finished logical copy does.
    await checkpoint(move.id, 'copy', { bytesCopied: Math.max(done.bytesStreamed, move.bytesTotal ?? 0) });
    return 'verify';
  });
}

export const COPY_PHASE_RUNNERS: Partial<Record<MovePhase, (ctx: PhaseContext) => Promise<PhaseResult>>> = {
  prepare: prepareCopy,
  fence: fenceForCopy,
  copy: copyTenant,
  verify,
  switch: switchOver,
  cleanup,
};
