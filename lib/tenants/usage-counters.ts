import type { Redis } from 'ioredis';
import { USAGE_BUCKET_TTL_SECONDS, tenantUsageKey, type UsageCounter } from './usage-keys';

/**
 * The small client platform apps use to count per-tenant usage. One HINCRBY and
 * one EXPIRE per call, pipelined: a single round trip.
 */
export async function recordTenantUsage(
  redis: Redis,
  tenantId: string,
  counts: Partial<Record<UsageCounter, number>>,
  at: Date = new Date(),
): Promise<void> {
  const key = tenantUsageKey(tenantId, at);
  const pipeline = redis.pipeline();
  for (const [counter, amount] of Object.entries(counts)) {
    if (amount) pipeline.hincrby(key, counter, amount);
  }
  pipeline.expire(key, USAGE_BUCKET_TTL_SECONDS);
  await pipeline.exec();
}
