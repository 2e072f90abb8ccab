import { ApiError } from '@/lib/api/errors';
import { WINDOW_SECONDS, loadBalanceData } from './balance-data';
import { PlanInputError } from './plan-errors';
import { toPlanRequest, type PlanRequestBody } from './plan-request';
import { planRebalance } from './planner';
import type { Plan } from './rebalance-model';

/**
 * POST /api/rebalance/plan: a dry run over the fleet as the control plane
 * last saw it. No side effect (viewers may plan; running a plan is the next
 * step and admin-only). A shard that is down or unsampled is marked stale:
 * the planner never moves a tenant to it and says so in the plan's notes.
 */

/** The pure code's "bad input" as the API's 400 naming the field; anything else passes through. */
export function asApiError(error: unknown): unknown {
  return error instanceof PlanInputError ? new ApiError('bad_request', `${error.field}: ${error.message}`, error.field) : error;
}

export async function planFleetRebalance(body: PlanRequestBody): Promise<Plan> {
  const request = toPlanRequest(body);
  const { tenants, shards } = await loadBalanceData({ windowSeconds: WINDOW_SECONDS[body.window], withTrends: false });
  // Checked here too (not only by the planner) so an unknown shard is a 400 naming shardId whatever the planner's wording.
  if (request.shardId !== null && !shards.some((shard) => shard.shardId === request.shardId)) {
    throw new ApiError('bad_request', `shardId: no shard "${request.shardId}" in the fleet`, 'shardId');
  }
  try {
    return planRebalance(tenants, shards, request);
  } catch (error) {
    throw asApiError(error);
  }
}
