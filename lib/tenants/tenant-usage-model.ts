import type { HourBucket } from './hour-counters';
import { cacheHitRate, limitState, usageRatio, type TenantNodeSessions, type TenantUsage, type TenantUsageHour, type UsageFigure } from './tenant-model';

/** Pure pieces of the tenant usage view: figures against limits, hourly series, cache and session totals. */

export function toUsageFigure(
  used: number | null,
  limit: number,
  meta: { source: string; at: Date | null; unavailable?: string },
): UsageFigure {
  const known = meta.unavailable ? null : used;
  const ratio = usageRatio(known, limit);
  return {
    used: known,
    limit,
    ratio,
    state: limitState(ratio),
    source: meta.source,
    at: meta.at ? meta.at.toISOString() : null,
    ...(meta.unavailable ? { unavailable: meta.unavailable } : {}),
  };
}

export function usageHours(hours: readonly HourBucket[]): TenantUsageHour[] {
  return hours.map(({ hour, counters }) => ({
    hour: hour.toISOString(),
    apiCalls: counters.api_calls,
    rateLimited: counters.rate_limited,
    cacheHit: counters.cache_hit,
    cacheMiss: counters.cache_miss,
    cacheSet: counters.cache_set,
    cacheInvalidate: counters.cache_invalidate,
    cacheHitRate: cacheHitRate(counters.cache_hit, counters.cache_miss),
  }));
}

/** Hit rate this hour (the last bucket) and over all buckets; null where there was no cache traffic. */
export function cacheSummary(hours: readonly HourBucket[]): NonNullable<TenantUsage['cache']> {
  const current = hours.at(-1)?.counters;
  const hits = hours.reduce((sum, bucket) => sum + bucket.counters.cache_hit, 0);
  const misses = hours.reduce((sum, bucket) => sum + bucket.counters.cache_miss, 0);
  return {
    hitRateThisHour: current ? cacheHitRate(current.cache_hit, current.cache_miss) : null,
    hitRate24h: cacheHitRate(hits, misses),
    lookupsThisHour: current ? current.cache_hit + current.cache_miss : 0,
    lookups24h: hits + misses,
  };
}

/**
 * Totals over the nodes that answered. No node answering is "shard down":
 * the numbers are unknown (null), never 0.
 */
export function sessionTotals(nodes: readonly TenantNodeSessions[]): {
  shardDown: boolean;
  now: number | null;
  active: number | null;
  activeSeconds: number | null;
} {
  const answered = nodes.filter((node) => node.up);
  if (answered.length === 0) return { shardDown: true, now: null, active: null, activeSeconds: null };
  return {
    shardDown: false,
    now: answered.reduce((sum, node) => sum + node.sessions, 0),
    active: answered.reduce((sum, node) => sum + node.active, 0),
    activeSeconds: answered.reduce((sum, node) => sum + node.activeSeconds, 0),
  };
}
