import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { CancelOutcome } from '@/lib/rebalance/move-api';
import { moveKeys } from './keys';

/** Cancels a move before its switch (admin, audited): a queued move at once, a running one at its next checkpoint. */
export function cancelMove(moveId: string): Promise<CancelOutcome> {
  return postJson<CancelOutcome>(`/api/moves/${encodeURIComponent(moveId)}/cancel`, {});
}

export function useCancelMoveMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (moveId: string) => cancelMove(moveId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: moveKeys.all }),
  });
}
