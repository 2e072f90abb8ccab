import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import { tenantKeys } from '@/lib/queries/tenants/keys';
import type { MoveStrategy } from '@/lib/rebalance/move-model';
import { moveKeys } from './keys';

export interface StartMoveInput {
  targetShardId: string;
  strategy: MoveStrategy;
}

/** Moves one tenant (admin, confirmed): a queued move the worker runs. */
export function startMove(tenantId: string, { targetShardId, strategy }: StartMoveInput): Promise<{ moveId: string }> {
  return postJson<{ moveId: string }>(`/api/tenants/${encodeURIComponent(tenantId)}/move`, { targetShardId, strategy, confirm: true });
}

export function useStartMoveMutation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartMoveInput) => startMove(tenantId, input),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: tenantKeys.detail(tenantId) }), queryClient.invalidateQueries({ queryKey: moveKeys.all })]),
  });
}
