import { useMutation } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { Plan } from '@/lib/rebalance/rebalance-model';
import type { PlanBody } from '@/lib/rebalance/planner-form-view';
import { balanceKeys } from './keys';

export type PlanData = Plan;

/** A dry run: the server computes a plan from the current numbers and changes nothing (any signed-in role may ask). */
export function planRebalance(body: PlanBody): Promise<PlanData> {
  return postJson<PlanData>('/api/rebalance/plan', body);
}

/**
 * POST, so a mutation: the operator asks for a plan with the form's values
 * and it stays on screen until asked again; nothing is cached or refetched.
 */
export function usePlanMutation() {
  return useMutation({
    mutationKey: balanceKeys.plans(),
    mutationFn: (body: PlanBody) => planRebalance(body),
  });
}
