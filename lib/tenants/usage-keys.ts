/**
 * Redis key layout for per-tenant usage counters. Apps of the platform write
 * these (through lib/tenants/usage-counters.ts); Shardscope reads them.
 *
 *   shardscope:usage:{<tenantId>}:<YYYYMMDDHH>   hash, one per tenant per UTC hour
 *     fields: cache_hit, cache_miss, cache_set, cache_invalidate, api_calls,
 *             rate_limited (requests refused with 429 by checkTenantApiLimit)
 *
 * Buckets are keyed by the full UTC hour (not the hour of day), so today's 10:00
 * never collides with yesterday's. The tenant id sits in a {hash tag} so one
 * tenant's buckets live on one Redis Cluster slot. Buckets expire after
 * USAGE_BUCKET_TTL_SECONDS.
 */

export const USAGE_KEY_PREFIX = 'shardscope:usage';

export const USAGE_COUNTERS = ['cache_hit', 'cache_miss', 'cache_set', 'cache_invalidate', 'api_calls', 'rate_limited'] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** Eight days: a week of hourly history plus a day of slack for late readers. */
export const USAGE_BUCKET_TTL_SECONDS = 8 * 24 * 3600;

/** `2026-11-21T09:59:59Z` → `2026112109`. */
export function usageHourBucket(at: Date): string {
  const iso = at.toISOString(); // always UTC
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13);
}

export function tenantUsageKey(tenantId: string, at: Date): string {
  if (!tenantId || /[{}\s]/.test(tenantId)) throw new Error(`invalid tenant id for a usage key: "${tenantId}"`);
  return `${USAGE_KEY_PREFIX}:{${tenantId}}:${usageHourBucket(at)}`;
}

/** The keys of the last `hours` buckets ending with the one containing `until`, oldest first. */
export function tenantUsageKeysForHours(tenantId: string, until: Date, hours: number): string[] {
  const keys: string[] = [];
  for (let back = hours - 1; back >= 0; back -= 1) {
    keys.push(tenantUsageKey(tenantId, new Date(until.getTime() - back * 3600_000)));
  }
  return keys;
}
