import type { Redis } from 'ioredis';
import { getConnectedRedis } from '@/lib/redis/client';
import { tenantUsageKey, tenantUsageKeysForHours, USAGE_COUNTERS, type UsageCounter } from './usage-keys';

/**
 * Reads of the per-tenant hourly counters in Redis (written by the platform's
 * apps through usage-counters.ts). Always one pipelined round trip, whatever
 * the number of tenants or hours asked for.
 */

export type HourCounters = Record<UsageCounter, number>;

export function emptyHourCounters(): HourCounters {
  return Object.fromEntries(USAGE_COUNTERS.map((counter) => [counter, 0])) as HourCounters;
}

function toCounters(values: readonly (string | null)[]): HourCounters {
  const counters = emptyHourCounters();
  USAGE_COUNTERS.forEach((counter, index) => {
    const value = Number(values[index] ?? 0);
    counters[counter] = Number.isFinite(value) ? value : 0;
  });
  return counters;
}

async function hmgetPipelined(redis: Redis, keys: readonly string[]): Promise<HourCounters[]> {
  if (keys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hmget(key, ...USAGE_COUNTERS);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, values]) => {
    if (error) throw error;
    return toCounters(values as (string | null)[]);
  });
}

/** This hour's counters for each tenant (a page of the directory): tenant id → counters. */
export async function readCurrentHourCounters(tenantIds: readonly string[], now: Date = new Date()): Promise<Map<string, HourCounters>> {
  const redis = await getConnectedRedis();
  const counters = await hmgetPipelined(redis, tenantIds.map((id) => tenantUsageKey(id, now)));
  return new Map(tenantIds.map((id, index) => [id, counters[index]]));
}

export interface HourBucket {
  /** Start of the UTC hour. */
  hour: Date;
  counters: HourCounters;
}

/** The last `hours` UTC hours of one tenant, oldest first, the current hour last. */
export async function readTenantHours(tenantId: string, hours: number, now: Date = new Date()): Promise<HourBucket[]> {
  const redis = await getConnectedRedis();
  const counters = await hmgetPipelined(redis, tenantUsageKeysForHours(tenantId, now, hours));
  const currentHour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  return counters.map((bucket, index) => ({
    hour: new Date(currentHour - (hours - 1 - index) * 3_600_000),
    counters: bucket,
  }));
}
