import { formatBytes } from '@/lib/format';
import type { Dimension, Plan, ShardStatus } from '@/lib/rebalance/rebalance-model';
import { formatSkew, shardSkewState, type SkewState } from './skew-chart-view';

/**
 * A plan as the dry run shows it: before/after bars per shard against the
 * mean and its band, and the totals an operator weighs before running it.
 * Ratios are the planner's own (`ratioToMean`), so a bar's colour and the
 * plan's "within threshold" verdict cannot disagree. Pure; unit-tested.
 */

/** No move has run yet, so there is no measured copy rate to estimate from; the next issue (online tenant moves) measures it. */
export const COPY_TIME_UNMEASURED = 'measured once moves exist';

export interface PlanBarRow {
  shardId: string;
  status: ShardStatus;
  stale: boolean;
  before: number;
  after: number;
  beforeRatio: number | null;
  afterRatio: number | null;
  afterState: SkewState;
  tenantsBefore: number;
  tenantsAfter: number;
}

export interface PlanBarsModel {
  dimension: Dimension;
  thresholdPct: number;
  /** Mean of the active shards after the plan (what the band is around); null when none is active. */
  mean: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  rows: PlanBarRow[];
}

export function toPlanBars(plan: Plan): PlanBarsModel {
  const t = plan.request.thresholdPct / 100;
  const beforeById = new Map(plan.before.map((shard) => [shard.shardId, shard]));
  const afterById = new Map(plan.after.map((shard) => [shard.shardId, shard]));
  const shardIds = [...new Set([...beforeById.keys(), ...afterById.keys()])];
  const rows = shardIds.map((shardId): PlanBarRow => {
    const before = beforeById.get(shardId);
    const after = afterById.get(shardId);
    const status = (after ?? before)!.status;
    const afterRatio = after?.ratioToMean ?? null;
    return {
      shardId,
      status,
      stale: Boolean(before?.stale || after?.stale),
      before: before?.weight ?? 0,
      after: after?.weight ?? 0,
      beforeRatio: before?.ratioToMean ?? null,
      afterRatio,
      afterState: shardSkewState(status, afterRatio, plan.request.thresholdPct),
      tenantsBefore: before?.tenants ?? 0,
      tenantsAfter: after?.tenants ?? 0,
    };
  });
  const active = plan.after.filter((shard) => shard.status === 'active');
  const mean = active.length > 0 ? active.reduce((sum, shard) => sum + shard.weight, 0) / active.length : null;
  return {
    dimension: plan.request.dimension,
    thresholdPct: plan.request.thresholdPct,
    mean,
    bandLow: mean === null ? null : mean * Math.max(0, 1 - t),
    bandHigh: mean === null ? null : mean * (1 + t),
    rows,
  };
}

export interface PlanSummary {
  bytesToCopy: string;
  tenantsToMove: string;
  copyTime: string;
  skew: string;
  /** One line: did the plan reach the goal it was asked for. */
  verdict: string;
  verdictTone: 'ok' | 'warn';
}

export function planSummary(plan: Plan): PlanSummary {
  const { mode, thresholdPct, shardId } = plan.request;
  const tenants = plan.totals.tenants;
  let verdict: string;
  if (plan.moves.length === 0 && plan.withinThreshold) verdict = `nothing to move: every active shard is already within ±${thresholdPct} % of the mean`;
  else if (mode === 'drain') verdict = plan.withinThreshold ? `${shardId} ends empty` : `${shardId} does not end empty (see the notes)`;
  else verdict = plan.withinThreshold ? `every active shard ends within ±${thresholdPct} % of the mean` : `some shard stays outside ±${thresholdPct} % of the mean (see the notes)`;
  return {
    bytesToCopy: formatBytes(plan.totals.bytes),
    tenantsToMove: `${tenants} ${tenants === 1 ? 'tenant' : 'tenants'}`,
    copyTime: COPY_TIME_UNMEASURED,
    skew: `${formatSkew(plan.skewBefore)} → ${formatSkew(plan.skewAfter)}`,
    verdict,
    verdictTone: plan.withinThreshold ? 'ok' : 'warn',
  };
}
