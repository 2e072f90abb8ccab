import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import { fleetKeys } from '@/lib/queries/fleet/keys';
import type { ShardStatusChange } from '@/lib/rebalance/rebalance-model';
import { balanceKeys } from './keys';

export type ShardStatusChangeData = ShardStatusChange;

export function setShardStatus(shardId: string, status: 'active' | 'draining'): Promise<ShardStatusChangeData> {
  return fetchJson<ShardStatusChangeData>(`/api/shards/${encodeURIComponent(shardId)}`, { method: 'PATCH', body: JSON.stringify({ status }) });
}

/** Mark a shard draining or active again (admin, audited); the balance report and the fleet overview refetch. */
export function useShardStatusMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ shardId, status }: { shardId: string; status: 'active' | 'draining' }) => setShardStatus(shardId, status),
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: balanceKeys.reports() }), queryClient.invalidateQueries({ queryKey: fleetKeys.all })]),
  });
}
