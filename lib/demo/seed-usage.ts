import type { Redis } from 'ioredis';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import { tenantUsageKeysForHours } from '@/lib/tenants/usage-keys';
import { mulberry32, tenantSizeRows, type DemoTenant } from './tenant-profiles';
import { tenantApiCallsPerRowHour, tenantCacheHitRate, tenantRunawayCallsPerHour } from './tenant-traits';

/**
 * A day of hourly usage counters per tenant in Redis, as if the apps had been
 * counting through lib/tenants/usage-counters.ts with checkTenantApiLimit in
 * front: an hour whose calls would pass the tier's limit holds exactly the
 * limit in `api_calls` and the rest in `rate_limited`.
 */

/** Busier in the European afternoon, quiet at night: 0.3× to 1× of the tenant's peak hour. */
function dailyTrafficShape(hourUtc: number): number {
  return 0.65 + 0.35 * Math.sin(((hourUtc - 8) / 24) * 2 * Math.PI);
}

/** Cache lookups an API call makes on average. */
const CACHE_LOOKUPS_PER_CALL = 1.5;
/** Share of API calls that write, and so invalidate a cached entry. */
const WRITE_SHARE = 0.04;
/** Parallel recordTenantUsage calls: ioredis pipelines them over its one connection. */
const USAGE_WRITES_IN_FLIGHT = 400;
export const SEEDED_USAGE_HOURS = 24;

export interface SeededUsage {
  buckets: number;
  /** Tenant-hours in which the limiter refused calls. */
  limitedHours: number;
  /** Tenants refused in the current hour: the live load keeps refusing them until the hour ends. */
  limitedNow: number;
}

/**
 * Deletes what an interrupted seed wrote (counters add up, so a rerun would
 * double them). One more hour than seeded, in case the rerun is in the next hour.
 */
async function clearUsageHistory(redis: Redis, tenants: DemoTenant[], now: Date): Promise<void> {
  const pipeline = redis.pipeline();
  for (const tenant of tenants) pipeline.del(...tenantUsageKeysForHours(tenant.id, now, SEEDED_USAGE_HOURS + 1));
  await pipeline.exec();
}

/**
 * Calls per hour ~ rows × the tenant's call rate × time of day (±30 % noise),
 * plus a runaway client's steady calls for the few tenants that have one.
 * `hourlyLimits`: max_api_calls_per_hour per tier, from the control plane.
 */
export async function seedUsageHistory(
  redis: Redis,
  tenants: DemoTenant[],
  hourlyLimits: ReadonlyMap<string, number>,
  now: Date,
  seed: number,
): Promise<SeededUsage> {
  await clearUsageHistory(redis, tenants, now);
  const random = mulberry32(seed ^ 0x5eed);
  const pending: Promise<void>[] = [];
  const seeded: SeededUsage = { buckets: 0, limitedHours: 0, limitedNow: 0 };
  for (const tenant of tenants) {
    const peakCallsPerHour = tenantSizeRows(tenant.rows) * tenantApiCallsPerRowHour(tenant.id);
    const runawayCallsPerHour = tenantRunawayCallsPerHour(tenant.id);
    const hitRate = tenantCacheHitRate(tenant.id);
    const limit = hourlyLimits.get(tenant.tier) ?? Number.POSITIVE_INFINITY;
    for (let hoursBack = SEEDED_USAGE_HOURS - 1; hoursBack >= 0; hoursBack -= 1) {
      const at = new Date(now.getTime() - hoursBack * 3600_000);
      const noise = 0.7 + random() * 0.6;
      const attempted = Math.max(1, Math.round((peakCallsPerHour * dailyTrafficShape(at.getUTCHours()) + runawayCallsPerHour) * noise));
      const apiCalls = Math.min(attempted, limit);
      const rateLimited = attempted - apiCalls;
      if (rateLimited > 0) {
        seeded.limitedHours += 1;
        if (hoursBack === 0) seeded.limitedNow += 1;
      }
      // Refused calls never reach the cache: lookups follow the calls served.
      const lookups = Math.round(apiCalls * CACHE_LOOKUPS_PER_CALL);
      const hourHitRate = Math.min(0.99, Math.max(0.05, hitRate + (random() - 0.5) * 0.08));
      const hits = Math.round(lookups * hourHitRate);
      const misses = lookups - hits;
      pending.push(
        recordTenantUsage(
          redis,
          tenant.id,
          {
            api_calls: apiCalls,
            rate_limited: rateLimited,
            cache_hit: hits,
            cache_miss: misses,
            cache_set: Math.round(misses * 0.9),
            cache_invalidate: Math.round(apiCalls * WRITE_SHARE),
          },
          at,
        ),
      );
      seeded.buckets += 1;
      if (pending.length >= USAGE_WRITES_IN_FLIGHT) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  return seeded;
}
