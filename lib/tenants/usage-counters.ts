import type { Redis } from 'ioredis';
import type pg from 'pg';
import { assertCallCount, NO_KNOWN_LIMIT, toApiLimitDecision, type ApiLimitDecision } from './api-limit';
import { TenantLimitCache } from './api-limit-cache';
import { runApiLimitScript } from './api-limit-script';
import { USAGE_BUCKET_TTL_SECONDS, tenantUsageKey, type UsageCounter } from './usage-keys';

/**
 * The client the platform's apps use to count per-tenant usage, and to enforce
 * the tier's hourly API limit, in the Redis hashes Shardscope reads
 * (usage-keys.ts: `shardscope:usage:{<tenantId>}:<YYYYMMDDHH>`).
 *
 *   const counters = createUsageCounters({ redis, control: controlPool });
 *   const decision = await counters.checkTenantApiLimit(tenantId);   // counts api_calls or rate_limited
 *   if (!decision.allowed) return tooManyRequests(decision.retryAfterSeconds);
 *   await counters.record(tenantId, { cache_hit: 3, cache_miss: 1, cache_set: 1 });
 *
 * Why not rate-limiter-flexible: its RateLimiterRedis keeps its own key per
 * limited thing (`<keyPrefix>:<key>`, a plain integer with a window that starts
 * at the first call), counts refused calls into that same integer and has no
 * notion of our hash fields. Using it would mean a second, differently shaped
 * count of API calls beside the one the console reads, and no `rate_limited`
 * field; the hour bucket we already write is the limiter's window, so one
 * short Lua script on it (api-limit-script.ts) does the job in one round trip.
 */

export type UsageCounts = Partial<Record<UsageCounter, number>>;

/** What the client needs of the control DB: a pg Pool (recommended) or Client. */
export type ControlQueryable = Pick<pg.Pool, 'query'>;

/** The tenant's hourly API allowance: its tier's max_api_calls_per_hour. A primary-key lookup joined to the 4-row tier table. */
const TENANT_API_LIMIT_SQL = `
  select l.max_api_calls_per_hour
  from tenants t
  join tier_limits l on l.tier = t.tier
  where t.id = $1`;

const TENANT_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Adds the counts to the tenant's bucket for the hour of `at`. One HINCRBY per
 * non-zero counter and one EXPIRE, pipelined: a single round trip.
 */
export async function recordTenantUsage(redis: Redis, tenantId: string, counts: UsageCounts, at: Date = new Date()): Promise<void> {
  const key = tenantUsageKey(tenantId, at);
  const pipeline = redis.pipeline();
  for (const [counter, amount] of Object.entries(counts)) {
    if (amount === undefined || amount === 0) continue;
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${counter} must be a non-negative integer, got ${amount}`);
    pipeline.hincrby(key, counter, amount);
  }
  pipeline.expire(key, USAGE_BUCKET_TTL_SECONDS);
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
}

export interface UsageCountersOptions {
  redis: Redis;
  /** Needed by checkTenantApiLimit only: where the tenant's tier and limits live. */
  control?: ControlQueryable;
  /** How long a tenant's limit is trusted before it is read again (default 30 s): a tier edit takes effect within it. */
  limitCacheTtlMs?: number;
  /** Tenants whose limits are remembered at most (default 10,000). */
  limitCacheMaxTenants?: number;
  /** A limit read slower than this (default 1 s) falls back to the last known one. */
  limitLoadTimeoutMs?: number;
  /** The clock, for tests; it picks the hour bucket. */
  now?: () => Date;
}

export interface UsageCounters {
  /**
   * Counts cache hits, misses, sets, invalidations (and, for apps that do not
   * call checkTenantApiLimit, api_calls) in one round trip.
   */
  record(tenantId: string, counts: UsageCounts): Promise<void>;
  /**
   * Enforces the tier's max_api_calls_per_hour over the current UTC hour in one
   * Redis round trip: counts the call in `api_calls` when allowed, in
   * `rate_limited` when refused. `calls` > 1 checks a batch, allowed or refused
   * whole. Do not also record api_calls for a checked call. Throws when Redis
   * does not answer; the app chooses what that means for the request.
   */
  checkTenantApiLimit(tenantId: string, calls?: number): Promise<ApiLimitDecision>;
}

export function createUsageCounters(options: UsageCountersOptions): UsageCounters {
  const { redis, control, now = () => new Date() } = options;
  const limits = new TenantLimitCache({
    load: async (tenantId) => {
      const { rows } = await control!.query<{ max_api_calls_per_hour: string }>(TENANT_API_LIMIT_SQL, [tenantId]);
      return rows.length ? Number(rows[0].max_api_calls_per_hour) : null;
    },
    ttlMs: options.limitCacheTtlMs,
    maxTenants: options.limitCacheMaxTenants,
    loadTimeoutMs: options.limitLoadTimeoutMs,
    now: () => now().getTime(),
  });

  return {
    record: (tenantId, counts) => recordTenantUsage(redis, tenantId, counts, now()),

    async checkTenantApiLimit(tenantId, calls = 1) {
      if (!control) throw new Error('createUsageCounters: checkTenantApiLimit needs the control DB (`control`)');
      if (!TENANT_ID_SHAPE.test(tenantId)) throw new TypeError(`not a tenant id: "${tenantId}"`);
      assertCallCount(calls);
      const { limit } = await limits.get(tenantId);
      // Read the clock after the limit: a slow limit load must not count the call in an hour that has ended.
      const at = now();
      const reply = await runApiLimitScript(redis, tenantUsageKey(tenantId, at), limit ?? NO_KNOWN_LIMIT, calls, USAGE_BUCKET_TTL_SECONDS);
      return toApiLimitDecision(reply, limit, at);
    },
  };
}
