import { describe, expect, it } from 'vitest';
import {
  COPY_BYTES_PER_SECOND,
  estimateWriteBlockMs,
  FENCE_AND_SWITCH_MS,
  LOGICAL_DRAIN_MS,
  VERIFY_BYTES_PER_SECOND,
} from '@/lib/rebalance/move-estimate';

const MIB = 1024 * 1024;

describe('estimateWriteBlockMs', () => {
  it('holds a logical move’s writes for the fence, the drain, verification and the switch', () => {
    expect(estimateWriteBlockMs('logical', 0)).toBe(FENCE_AND_SWITCH_MS + LOGICAL_DRAIN_MS);
    expect(estimateWriteBlockMs('logical', 150 * MIB)).toBe(Math.round(FENCE_AND_SWITCH_MS + LOGICAL_DRAIN_MS + ((150 * MIB) / VERIFY_BYTES_PER_SECOND) * 1000));
  });

  it('holds a copy move’s writes for the whole copy as well', () => {
    const bytes = 200 * MIB;
    const expected = FENCE_AND_SWITCH_MS + (bytes / COPY_BYTES_PER_SECOND) * 1000 + (bytes / VERIFY_BYTES_PER_SECOND) * 1000;
    expect(estimateWriteBlockMs('copy', bytes)).toBe(Math.round(expected));
  });

  it('says a 1 GiB tenant’s copy blocks its writes for over two minutes, a logical move of it for about one', () => {
    expect(estimateWriteBlockMs('copy', 1024 * MIB)).toBeGreaterThan(2 * 60_000);
    expect(estimateWriteBlockMs('logical', 1024 * MIB)).toBeLessThan(2 * 60_000);
  });

  it('grows a copy’s block with the tenant, and always past the logical block of the same tenant', () => {
    const sizes = [0, 1 * MIB, 50 * MIB, 500 * MIB, 5 * 1024 * MIB];
    const copy = sizes.map((bytes) => estimateWriteBlockMs('copy', bytes));
    expect([...copy].sort((a, b) => a - b)).toEqual(copy);
    for (const bytes of sizes.slice(2)) expect(estimateWriteBlockMs('copy', bytes)).toBeGreaterThan(estimateWriteBlockMs('logical', bytes));
  });

  it('refuses a size that is not a number of bytes', () => {
    expect(() => estimateWriteBlockMs('copy', -1)).toThrow(/non-negative/);
    expect(() => estimateWriteBlockMs('logical', Number.NaN)).toThrow(/non-negative/);
  });
});
