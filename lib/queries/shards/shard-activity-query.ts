import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { ShardActivity } from '@/lib/monitor/activity-types';
import { shardKeys } from './keys';

export type ShardActivityData = ShardActivity;

/**
 * 3 s: lock pile-ups grow by the second, and an operator who has just created
 * or cancelled a conflict should see it on the next poll. The server coalesces
 * within 1 s, so many open pages still cost one round trip per node per second.
 */
export const SHARD_ACTIVITY_POLL_MS = 3000;

export function getShardActivity(shardId: string, signal?: AbortSignal): Promise<ShardActivityData> {
  return fetchJson<ShardActivityData>(`/api/shards/${encodeURIComponent(shardId)}/activity`, { signal });
}

export function useShardActivityQuery(shardId: string) {
  return useQuery({
    queryKey: shardKeys.activity(shardId),
    queryFn: ({ signal }) => getShardActivity(shardId, signal),
    refetchInterval: SHARD_ACTIVITY_POLL_MS,
  });
}
