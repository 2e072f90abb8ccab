import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { ShardReplication } from '@/lib/monitor/replication-types';
import { shardKeys } from './keys';

export type ShardReplicationData = ShardReplication;

/** 5 s: the lag threshold is 1 s, but lag is judged by trend; faster polling adds load, not insight. */
export const SHARD_REPLICATION_POLL_MS = 5000;

export function getShardReplication(shardId: string, signal?: AbortSignal): Promise<ShardReplicationData> {
  return fetchJson<ShardReplicationData>(`/api/shards/${encodeURIComponent(shardId)}/replication`, { signal });
}

export function useShardReplicationQuery(shardId: string) {
  return useQuery({
    queryKey: shardKeys.replication(shardId),
    queryFn: ({ signal }) => getShardReplication(shardId, signal),
    refetchInterval: SHARD_REPLICATION_POLL_MS,
  });
}
