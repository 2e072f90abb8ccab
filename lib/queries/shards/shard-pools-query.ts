import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { ShardPools } from '@/lib/monitor/pools-types';
import { shardKeys } from './keys';

export type ShardPoolsData = ShardPools;

/** 5 s: PgBouncer's own averages are per 60 s window; waiting clients are what needs quick eyes. */
export const SHARD_POOLS_POLL_MS = 5000;

export function getShardPools(shardId: string, signal?: AbortSignal): Promise<ShardPoolsData> {
  return fetchJson<ShardPoolsData>(`/api/shards/${encodeURIComponent(shardId)}/pools`, { signal });
}

export function useShardPoolsQuery(shardId: string) {
  return useQuery({
    queryKey: shardKeys.pools(shardId),
    queryFn: ({ signal }) => getShardPools(shardId, signal),
    refetchInterval: SHARD_POOLS_POLL_MS,
  });
}
