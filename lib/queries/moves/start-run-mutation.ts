import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { Plan } from '@/lib/rebalance/rebalance-model';
import { moveKeys } from './keys';

/** Runs a plan (admin): the server re-checks every move and queues them; the worker runs them. */
export function startRun(plan: Plan): Promise<{ runId: string }> {
  return postJson<{ runId: string }>('/api/rebalance/runs', { plan, confirm: true });
}

export function useStartRunMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (plan: Plan) => startRun(plan),
    onSettled: () => queryClient.invalidateQueries({ queryKey: moveKeys.runs() }),
  });
}
