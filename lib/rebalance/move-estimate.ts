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
 * The rates come from `npm run bench:move` (part 1's copy-strategy line: a
 * 201 MB tenant moved by the copy strategy between the sandbox's shards on a
 * 2-CPU machine: copy phase 9.5 MB/s, verify 21.8 MB/s of the tenant's row
 * bytes). They are applied to the tenant's measured storage
 * (tenant_usage_latest.storage_bytes, the figure the plan has), which also
 * counts indexes and free space: the estimate errs long, as a warning should.
 * Shards on their own hardware copy faster.
 */

const MIB = 1024 * 1024;

/** Copy phase: 9.5 MB/s in bench:move, rounded down. */
export const COPY_BYTES_PER_SECOND = 9 * MIB;

/** Verify phase (count and chunked md5 on both sides at once, then the sequences): 21.8 MB/s in bench:move, rounded down. */
export const VERIFY_BYTES_PER_SECOND = 20 * MIB;

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
