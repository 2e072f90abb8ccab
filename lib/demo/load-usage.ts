import { Redis } from 'ioredis';
import pg from 'pg';
import type { FleetFile } from '@/lib/fleet/fleet-file';
import { createUsageCounters } from '@/lib/tenants/usage-counters';
import type { UsageCounter } from '@/lib/tenants/usage-keys';
import { MAX_CACHE_HITS_PER_MISS, type Operation } from './load-queries';
import type { LogEvery } from './load-shards';
import type { RoutedTenant } from './tenant-directory';
import { tenantCacheHitRate } from './tenant-traits';

/**
 * The demo load as the platform's apps would count: every request first asks
 * checkTenantApiLimit (lib/tenants/usage-counters.ts), which counts it in
 * `api_calls` or, past the tier's hourly limit, in `rate_limited` (the app's
 * 429); what it did to the cache is recorded after it ran.
 */

export type UsageCounts = Partial<Record<UsageCounter, number>>;

/** The session's first screen: a read like any other. */
export type CountedOperation = Operation | 'tenant_id_ranges';

const READS = new Set<CountedOperation>(['tenant_id_ranges', 'order_by_id', 'event_by_id', 'user_by_id', 'recent_orders', 'events_page']);
const SLOW_READS = new Set<CountedOperation>(['slow_waiting_report', 'unindexed_event_search']);

/**
 * What one operation costs in API calls and does to the cache, decided before
 * it runs so the limit can be asked first. A read that reaches the database
 * is a cache miss (then a set); the calls before it were cache hits, served
 * without the database — each one an API call of its own.
 */
export function plannedUsage(tenant: RoutedTenant, operation: CountedOperation, random: () => number): UsageCounts {
  if (READS.has(operation)) {
    const hitRate = tenantCacheHitRate(tenant.id);
    let hits = 0;
    while (hits < MAX_CACHE_HITS_PER_MISS && random() < hitRate) hits += 1;
    return { api_calls: hits + 1, cache_hit: hits, cache_miss: 1, cache_set: 1 };
  }
  if (SLOW_READS.has(operation)) return { api_calls: 1, cache_miss: 1 };
  return { api_calls: 1, cache_invalidate: 1 };
}

export interface RefusalTally {
  /** API calls refused (429) by the tenants' hourly limits. */
  calls: number;
  /** Operations skipped because their calls were refused. */
  operations: number;
  /** Tenants refused at least once, by tier. */
  tenantsByTier: Record<string, number>;
}

export interface LoadUsage {
  /** Asks the tenant's hourly limit for the operation's API calls; false: refused, skip it. */
  admit(tenant: RoutedTenant, planned: UsageCounts): Promise<boolean>;
  /** Records the cache counters of an admitted operation (its API calls were counted by admit). */
  record(tenant: RoutedTenant, planned: UsageCounts): Promise<void>;
  refusals(): RefusalTally;
  close(): Promise<void>;
}

export async function openLoadUsage(fleet: FleetFile, log: (line: string) => void, logEvery: LogEvery): Promise<LoadUsage> {
  const redis = new Redis(fleet.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  redis.on('error', () => {});
  await redis.connect().catch((error: Error) => log(`redis: not reachable (${error.message}); usage counters and API limits will be skipped`));
  const control = new pg.Pool({ connectionString: fleet.control.url, max: 2, connectionTimeoutMillis: 3000, application_name: 'shardscope-demo-load' });
  control.on('error', () => {});
  const counters = createUsageCounters({ redis, control });
  const refused = { calls: 0, operations: 0, tenants: new Map<string, string>() };

  return {
    async admit(tenant, planned) {
      const calls = planned.api_calls ?? 1;
      try {
        const decision = await counters.checkTenantApiLimit(tenant.id, calls);
        if (decision.allowed) return true;
        refused.calls += calls;
        refused.operations += 1;
        refused.tenants.set(tenant.id, tenant.tier);
        return false;
      } catch (error) {
        // Without Redis nothing can be counted; the demo's apps let the call through, as the README suggests.
        logEvery('redis', `redis: API limit not checked (${(error as Error).message}); letting calls through`);
        return true;
      }
    },
    async record(tenant, planned) {
      try {
        await counters.record(tenant.id, { ...planned, api_calls: undefined });
      } catch (error) {
        logEvery('redis', `redis: usage not recorded (${(error as Error).message})`);
      }
    },
    refusals() {
      const tenantsByTier: Record<string, number> = {};
      for (const tier of refused.tenants.values()) tenantsByTier[tier] = (tenantsByTier[tier] ?? 0) + 1;
      return { calls: refused.calls, operations: refused.operations, tenantsByTier };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await control.end().catch(() => {});
    },
  };
}
