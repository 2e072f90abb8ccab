import type { Limits, Tier } from '@/lib/tenants/tenant-model';

export const tierKeys = {
  all: ['tiers'] as const,
  list: () => [...tierKeys.all, 'list'] as const,
  /** The preview of one proposed set of limits for one tier (null: nothing proposed yet). */
  impact: (tier: Tier, limits: Limits | null) => [...tierKeys.all, tier, 'impact', limits] as const,
};
