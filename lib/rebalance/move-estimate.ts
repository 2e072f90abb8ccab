import type { MoveStrategy } from './move-model';

/**
 * How long a move holds the tenant's writes (the write block, fence commit to
 * switch commit), estimated from the tenant's measured storage before the
 * move is confirmed. No I/O.
 *
 * logical: the rows were copied while writes went on; the block is the fence
 *   settling, the drain of at most the catch-up bound (1 MiB), verification
 *   of every row on both sides, and the switch.
 * copy: the fence comes first, so the block is the whole COPY of the tenant's
 *   rows, then the same verification and switch: it grows with the tenant.
 *
 * Rates are in bytes of measured storage (tenant_usage_latest.storage_bytes,
 * the figure the plan has), not bytes on the wire. Measured on the
 * integration sandbox (both shards and the runner on one 2-vCPU machine,
 * PG 15) with a 95k-row shared tenant (5k users, 50k orders, 40k events of
 * ~1 kB; 48–108 MiB measured) moved shard-1 → shard-2 by runMove, each phase
 * timed with its onPhaseStart/onPhase hooks, 5 copy and 3 logical moves:
 *   SHARDSCOPE_FLEET_FILE=.sandbox/it-h2/fleet.json node --import tsx .sandbox/h2-scratch/h2-rate.mts copy
 * (the script is in issue 11's copy-strategy report, to become part of bench/).
 * The medians are taken; shards on their own hardware copy faster.
 */

const MIB = 1024 * 1024;

/** Copy phase: 8–32 MiB/s of measured storage over 5 runs (46 MB of COPY text each), median 14. */
export const COPY_BYTES_PER_SECOND = 14 * MIB;

/** Verify phase (count and chunked md5 on both sides, then the sequences): 9–38 MiB/s over 8 runs, median 15 over the 5 copy moves (17 over all 8). */
export const VERIFY_BYTES_PER_SECOND = 15 * MIB;

/** Fence settling and the switch's control transaction: 0.1–0.3 s measured, rounded up. */
export const FENCE_AND_SWITCH_MS = 500;

/** Logical drain: the target applies what is left under the 1 MiB catch-up bound: 40–90 ms measured. */
export const LOGICAL_DRAIN_MS = 100;

/** Estimated write block in ms for moving a tenant of `bytesTotal` measured storage bytes. */
export function estimateWriteBlockMs(strategy: MoveStrategy, bytesTotal: number): number {
  if (!Number.isFinite(bytesTotal) || bytesTotal < 0) throw new Error(`bytesTotal must be a non-negative number of bytes, got ${bytesTotal}`);
  const verifyMs = (bytesTotal / VERIFY_BYTES_PER_SECOND) * 1000;
  const rowsMs = strategy === 'copy' ? (bytesTotal / COPY_BYTES_PER_SECOND) * 1000 : LOGICAL_DRAIN_MS;
  return Math.round(FENCE_AND_SWITCH_MS + rowsMs + verifyMs);
}
