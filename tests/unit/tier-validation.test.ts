import { describe, expect, it } from 'vitest';
import type { TierLimits } from '@/lib/tenants/tenant-model';
import { limitsSchema, orderConflicts, tierImpactQuerySchema, tierUpdateSchema } from '@/lib/tenants/tier-validation';

const tier = (name: TierLimits['tier'], rank: number, scale: number): TierLimits => ({
  tier: name,
  rank,
  maxConnections: 5 * scale,
  maxApiCallsPerHour: 1000 * scale,
  maxStorageBytes: 500 * 1024 ** 2 * scale,
  maxUsers: 5 * scale,
  updatedAt: '2026-11-22T00:00:00.000Z',
  updatedBy: null,
});
const tiers = [tier('free', 0, 1), tier('starter', 1, 4), tier('professional', 2, 12), tier('enterprise', 3, 40)];
const starter = { maxConnections: 20, maxApiCallsPerHour: 4000, maxStorageBytes: 2000 * 1024 ** 2, maxUsers: 20 };

describe('tier limit validation', () => {
  it('accepts positive whole numbers under the maxima', () => {
    expect(limitsSchema.parse(starter)).toEqual(starter);
  });

  it('refuses zero, negative, fractional, non-numeric and absurd limits, naming the field', () => {
    for (const [patch, field] of [
      [{ maxConnections: 0 }, 'maxConnections'],
      [{ maxUsers: -3 }, 'maxUsers'],
      [{ maxApiCallsPerHour: 10.5 }, 'maxApiCallsPerHour'],
      [{ maxStorageBytes: '5GB' }, 'maxStorageBytes'],
      [{ maxStorageBytes: 1e18 }, 'maxStorageBytes'],
      [{ maxConnections: 1_000_000 }, 'maxConnections'],
    ] as const) {
      const result = tierUpdateSchema.safeParse({ ...starter, ...patch });
      expect(result.success, JSON.stringify(patch)).toBe(false);
      expect(result.error!.issues[0].path).toEqual([field]);
    }
    expect(tierUpdateSchema.safeParse({ maxConnections: 5 }).success).toBe(false);
  });

  it('reads the impact preview from the query string, refusing text', () => {
    const query = { maxConnections: '20', maxApiCallsPerHour: '4000', maxStorageBytes: String(2000 * 1024 ** 2), maxUsers: '20' };
    expect(tierImpactQuerySchema.parse(query)).toEqual(starter);
    const bad = tierImpactQuerySchema.safeParse({ ...query, maxUsers: 'lots' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['maxUsers']);
  });

  it('finds limits that would put a lower tier above a higher one', () => {
    expect(orderConflicts('starter', starter, tiers)).toEqual([]);
    expect(orderConflicts('starter', { ...starter, maxUsers: 3, maxConnections: 100 }, tiers)).toEqual([
      { field: 'maxUsers', otherTier: 'free', otherValue: 5 },
      { field: 'maxConnections', otherTier: 'professional', otherValue: 60 },
    ]);
  });
});
