import { Redis } from 'ioredis';
import { getFleetEnv } from '@/lib/env';
import { getFleet } from '@/lib/fleet/topology';

let client: Redis | undefined;

/**
 * The shared Redis client, created on first use. Commands fail fast while
 * Redis is away (no offline queue) so a page shows "unavailable" instead of hanging.
 */
export function getRedis(): Redis {
  if (!client) {
    const timeoutMs = getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS;
    client = new Redis(getFleet().redis.url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    client.on('error', () => {});
  }
  return client;
}

/** Connects if needed; with the offline queue off, commands need a live connection. */
export async function getConnectedRedis(): Promise<Redis> {
  const redis = getRedis();
  if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
  return redis;
}
