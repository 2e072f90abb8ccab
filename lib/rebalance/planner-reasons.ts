import { formatBytes, formatNumber } from '@/lib/format';
import type { FleetState, Step } from './planner-state';
import type { Dimension, PlanMode, PlannedMove } from './rebalance-model';

/**
 * Each move's reason, in the operator's words, from the fleet as it stands
 * just before the move (the moves replayed in order on a fresh copy), e.g.
 * "shard-1 is 38 % above the mean; shard-2 is 22 % below; moving acme (1.2 GiB)
 * brings shard-1 to +9 % and shard-2 to −10 %". A swap is explained once, on
 * its first half, with the effect of both halves.
 */
export function explainSteps(state: FleetState, steps: readonly Step[], mode: PlanMode, dimension: Dimension): PlannedMove[] {
  const moves: PlannedMove[] = [];
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index];
    const partner = step.swapWith !== null ? steps[index + 1] : null;
    const tenant = state.tenant(step.tenantId);
    const before = state.measure().mean;
    const fromBefore = standing(state, step.from, before);
    const toBefore = standing(state, step.to, before);
    const toDeviationBefore = signed(state.deviation(step.to, before));
    state.move(tenant, step.to);
    if (partner) state.move(state.tenant(partner.tenantId), partner.to);
    const after = state.measure().mean;
    const what = `${tenant.tenant.name} (${size(tenant.tenant.bytes, tenant.tenant.load, dimension)})`;
    const effect = [step.from, step.to]
      .filter((shardId) => state.shard(shardId).inMean)
      .map((shardId) => `${shardId} to ${signed(state.deviation(shardId, after))}`)
      .join(' and ');

    let reason: string;
    if (mode === 'drain') {
      reason = `Draining ${step.from}: ${what} goes to ${step.to}, the lightest shard that can take it (${toDeviationBefore} → ${signed(state.deviation(step.to, after))} from the mean).`;
    } else if (mode === 'fill') {
      reason = `Filling ${step.to} (${toBefore}); ${step.from} is ${fromBefore}: moving ${what} brings ${effect}.`;
    } else if (partner) {
      const other = state.tenant(partner.tenantId).tenant;
      reason = `${step.from} is ${fromBefore}; ${step.to} is ${toBefore}; no single move helps, so ${what} swaps with ${other.name} (${size(other.bytes, other.load, dimension)}), bringing ${effect}.`;
    } else {
      reason = `${step.from} is ${fromBefore}; ${step.to} is ${toBefore}; moving ${what} brings ${effect}.`;
    }
    moves.push(toMove(state, step, reason));
    if (partner) {
      moves.push(toMove(state, partner, `Other half of the swap with ${tenant.tenant.name}: ${partner.from} takes it back in exchange.`));
      index += 1;
    }
  }
  return moves;
}

function toMove(state: FleetState, step: Step, reason: string): PlannedMove {
  const { tenant } = state.tenant(step.tenantId);
  return { tenantId: tenant.tenantId, name: tenant.name, from: step.from, to: step.to, bytes: tenant.bytes, load: tenant.load, reason };
}

/** "38 % above the mean", "22 % below the mean", "draining", "at the mean". */
function standing(state: FleetState, shardId: string, mean: number): string {
  const shard = state.shard(shardId);
  if (!shard.inMean) return shard.status === 'draining' ? 'draining' : shard.status;
  const deviation = state.deviation(shardId, mean);
  if (deviation === null) return 'empty like the rest';
  const percent = Math.round(Math.abs(deviation) * 100);
  if (percent === 0) return 'at the mean';
  return `${percent} % ${deviation > 0 ? 'above' : 'below'} the mean`;
}

/** "+9 %", "−10 %", "0 %" from the mean. */
function signed(deviation: number | null): string {
  if (deviation === null) return '0 %';
  const percent = Math.round(deviation * 100);
  return `${percent > 0 ? '+' : percent < 0 ? '−' : ''}${Math.abs(percent)} %`;
}

function size(bytes: number, load: number, dimension: Dimension): string {
  const loadText = `${formatNumber(load)} s load`;
  if (dimension === 'bytes') return formatBytes(bytes);
  if (dimension === 'load') return `${loadText}, ${formatBytes(bytes)} to copy`;
  return `${formatBytes(bytes)}, ${loadText}`;
}
