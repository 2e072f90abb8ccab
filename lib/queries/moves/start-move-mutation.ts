import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import { tenantKeys } from '@/lib/queries/tenants/keys';
import { moveKeys } from './keys';

/** Moves one tenant (admin, confirmed): a queued move the worker runs. */
export function startMove(tenantId: string, targetShardId: string): Promise<{ moveId: string }> {
  return postJson<{ moveId: string }>(`/api/tenants/${encodeURIComponent(tenantId)}/move`, { targetShardId, confirm: true });
}

export function useStartMoveMutation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (targetShardId: string) => startMove(tenantId, targetShardId),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: tenantKeys.detail(tenantId) }), queryClient.invalidateQueries({ queryKey: moveKeys.all })]),
  });
}
