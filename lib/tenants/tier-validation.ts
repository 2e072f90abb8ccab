import { z } from 'zod';
import type { Limits, Tier, TierImpact, TierLimits } from './tenant-model';

/**
 * What an admin may set as a tier's limits. Pure: the bounds, the body
 * schema and the order check (a lower tier should not get more than a higher
 * one). Unit-tested.
 */

/**
 * Sane maxima: far above any real tier, low enough that a typo (an extra
 * three zeros) is refused instead of silently disabling a limit.
 */
export const LIMIT_MAXIMA: Limits = {
  maxConnections: 10_000,
  maxApiCallsPerHour: 10_000_000_000,
  maxStorageBytes: 100 * 1024 ** 4, // 100 TiB
  maxUsers: 10_000_000,
};

const limitField = (field: keyof Limits, unit: string) =>
  z
    .number({ error: `must be a number (${unit})` })
    .int(`must be a whole number of ${unit}`)
    .positive('must be above zero')
    .max(LIMIT_MAXIMA[field], `at most ${LIMIT_MAXIMA[field]} ${unit}`);

export const limitsSchema = z
  .object({
    maxConnections: limitField('maxConnections', 'connections'),
    maxApiCallsPerHour: limitField('maxApiCallsPerHour', 'calls per hour'),
    maxStorageBytes: limitField('maxStorageBytes', 'bytes'),
    maxUsers: limitField('maxUsers', 'users'),
  })
  .strict();

export const tierUpdateSchema = limitsSchema.extend({ confirmOrder: z.boolean().optional() }).strict();
export type TierUpdateBody = z.infer<typeof tierUpdateSchema>;

/** The impact query string: the same four numbers, from text. */
export const tierImpactQuerySchema = z
  .object({
    maxConnections: z.coerce.number(),
    maxApiCallsPerHour: z.coerce.number(),
    maxStorageBytes: z.coerce.number(),
    maxUsers: z.coerce.number(),
  })
  .strict()
  .pipe(limitsSchema);

const LIMIT_FIELDS: (keyof Limits)[] = ['maxConnections', 'maxApiCallsPerHour', 'maxStorageBytes', 'maxUsers'];

/**
 * Limits of other tiers the proposed ones would invert: a lower-ranked tier
 * with more of something than this one, or a higher-ranked one with less.
 */
export function orderConflicts(tier: Tier, proposed: Limits, tiers: readonly TierLimits[]): TierImpact['orderConflicts'] {
  const own = tiers.find((candidate) => candidate.tier === tier);
  if (!own) return [];
  const conflicts: TierImpact['orderConflicts'] = [];
  for (const other of tiers) {
    if (other.tier === tier) continue;
    for (const field of LIMIT_FIELDS) {
      const inverted = other.rank < own.rank ? other[field] > proposed[field] : other[field] < proposed[field];
      if (inverted) conflicts.push({ field, otherTier: other.tier, otherValue: other[field] });
    }
  }
  return conflicts;
}
