import { planDrain } from './planner-drain';
import { explainSteps } from './planner-reasons';
import { cleanUpPlan } from './planner-cleanup';
import { searchBalance } from './planner-search';
import { FleetState, type Step } from './planner-state';
import { outcomeNotes, inputNotes } from './planner-notes';
import { PlanInputError } from './plan-errors';
import {
  DEFAULT_BYTES_WEIGHT,
  DIMENSIONS,
  PLAN_MODES,
  type Plan,
  type PlannerShard,
  type PlannerTenant,
  type PlanRequest,
  type ShardTotals,
} from './rebalance-model';
import { isWithinBand, makeWeigher, skewOf, summarizeShards } from './weights';

/**
 * The rebalance planner: pure, deterministic (inputs are sorted by id, so the
 * same fleet in any order gives the same plan), and explained move by move.
 *
 * - balance: the fewest bytes moved (greedy, see planner-search.ts) that bring
 *   every active shard within thresholdPct of the mean. Draining shards only
 *   give: their tenants are candidates like any other and move when that
 *   brings a light shard up (they have to leave anyway); emptying them is
 *   drain mode's job.
 * - drain: every movable tenant of shardId to the other shards, largest first
 *   to the lightest (see planner-drain.ts). The shard is treated as draining
 *   for the plan (out of the mean) even if it is still marked active.
 *   withinThreshold means the shard ends empty.
 * - fill: only shardId receives, taking from the heaviest shards, up to the
 *   mean (one last move may overshoot it inside the band); it stops once every
 *   shard is within the band or nothing more helps. Other shards left outside
 *   the band are a balance plan's job (noted). Placement then keeps new
 *   tenants coming to it while it is the lightest.
 *
 * Everywhere: pinned, suspended, moving and fenced tenants never move; retired
 * shards are ignored (not in the mean, never source or target); stale shards
 * never receive; a tenant bigger than the whole band moves only if it improves
 * the worst shard; the byte cap is never exceeded. skewBefore/skewAfter are
 * skewOf(), and 1 when that is null (no active shard, or nothing measured):
 * with nothing to compare, nothing is uneven.
 */
export function planRebalance(tenants: PlannerTenant[], shards: PlannerShard[], request: PlanRequest): Plan {
  const bytesWeight = request.bytesWeight ?? DEFAULT_BYTES_WEIGHT;
  const target = validate(shards, request, bytesWeight);
  // Drain treats its shard as draining: it leaves the mean and only gives.
  const planShards = shards.map((shard) =>
    request.mode === 'drain' && shard.shardId === target?.shardId && shard.status === 'active' ? { ...shard, status: 'draining' as const } : shard,
  );
  const weigh = makeWeigher(tenants, planShards, request.dimension, bytesWeight);
  const fresh = () => new FleetState(tenants, planShards, weigh, request.thresholdPct / 100);
  const state = fresh();

  let steps: Step[] = [];
  let cappedOut = false;
  const modeNotes: string[] = [];
  if (request.mode === 'drain') {
    const drained = planDrain(state, state.shard(target!.shardId), request.maxBytes);
    steps = drained.steps;
    modeNotes.push(...drained.notes);
  } else {
    const receivers = state.shards.filter((shard) => shard.canReceive && (request.mode === 'balance' || shard.shardId === target!.shardId));
    const givers = state.shards.filter((shard) => request.mode === 'balance' || shard.shardId !== target!.shardId);
    const options = {
      receivers,
      givers,
      maxBytes: request.maxBytes,
      allowSwaps: request.mode === 'balance',
      fillUpToMean: request.mode === 'fill',
    };
    cappedOut = searchBalance(state, options).cappedOut;
    cleanUpPlan(state, options);
    steps = state.plannedSteps();
  }

  const moves = explainSteps(fresh(), steps, request.mode, request.dimension);
  const destination = new Map(moves.map((move) => [move.tenantId, move.to]));
  const movedTenants = tenants.map((tenant) => (destination.has(tenant.tenantId) ? { ...tenant, shardId: destination.get(tenant.tenantId)! } : tenant));
  const before = summarizeShards(tenants, planShards, request.dimension, bytesWeight);
  const after = summarizeShards(movedTenants, planShards, request.dimension, bytesWeight);
  const withinThreshold =
    request.mode === 'drain'
      ? after.find((shard) => shard.shardId === target!.shardId)!.tenants === 0
      : allWithinBand(after, request.thresholdPct);

  const totals = moves.reduce((sum, move) => ({ tenants: sum.tenants + 1, bytes: sum.bytes + move.bytes, load: sum.load + move.load }), {
    tenants: 0,
    bytes: 0,
    load: 0,
  });
  const notes = [
    ...inputNotes(tenants, shards, request),
    ...modeNotes,
    ...outcomeNotes(state, { request, after, moves: moves.length, withinActive: allWithinBand(after, request.thresholdPct), cappedOut }),
  ];

  return {
    request: { ...request, bytesWeight },
    moves,
    before,
    after,
    totals,
    skewBefore: skewOf(before) ?? 1,
    skewAfter: skewOf(after) ?? 1,
    withinThreshold,
    notes,
  };
}

function allWithinBand(totals: readonly ShardTotals[], thresholdPct: number): boolean {
  return totals.every((shard) => shard.status !== 'active' || shard.ratioToMean === null || isWithinBand(shard.ratioToMean, thresholdPct));
}

/** Throws PlanInputError naming the field at fault; returns the shard drain/fill name. */
function validate(shards: readonly PlannerShard[], request: PlanRequest, bytesWeight: number): PlannerShard | null {
  if (!PLAN_MODES.includes(request.mode)) throw new PlanInputError('mode', `mode must be one of ${PLAN_MODES.join(', ')}`);
  if (!DIMENSIONS.includes(request.dimension)) throw new PlanInputError('dimension', `dimension must be one of ${DIMENSIONS.join(', ')}`);
  if (!Number.isFinite(request.thresholdPct) || request.thresholdPct < 1 || request.thresholdPct > 100) {
    throw new PlanInputError('thresholdPct', 'thresholdPct must be between 1 and 100 (% from the mean)');
  }
  if (!Number.isFinite(bytesWeight) || bytesWeight < 0 || bytesWeight > 1) {
    throw new PlanInputError('bytesWeight', 'bytesWeight must be between 0 and 1 (the share of bytes in the mixed dimension)');
  }
  if (request.maxBytes !== null && !(Number.isFinite(request.maxBytes) && request.maxBytes >= 0)) {
    throw new PlanInputError('maxBytes', 'maxBytes must be a number of bytes, 0 or more (or null for no cap)');
  }
  if (request.mode === 'balance') return null;

  const verb = request.mode === 'drain' ? 'drain' : 'fill';
  if (!request.shardId) throw new PlanInputError('shardId', `${verb} needs shardId: the shard to ${request.mode === 'drain' ? 'empty' : 'fill'}`);
  const shard = shards.find((candidate) => candidate.shardId === request.shardId);
  if (!shard) throw new PlanInputError('shardId', `unknown shard "${request.shardId}"`);
  if (shard.status === 'retired') throw new PlanInputError('shardId', `${shard.shardId} is retired: there is nothing to ${verb}`);
  if (request.mode === 'fill') {
    if (shard.status === 'draining') throw new PlanInputError('shardId', `${shard.shardId} is draining: it gives tenants away and cannot be filled`);
    if (shard.stale) throw new PlanInputError('shardId', `${shard.shardId}'s numbers are stale (down or unsampled): it cannot be filled until it reports again`);
  }
  return shard;
}
