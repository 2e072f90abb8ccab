import { formatBytes } from '@/lib/format';
import { nameList } from './planner-drain';
import type { FleetState } from './planner-state';
import type { PlannerShard, PlannerTenant, PlanRequest, ShardTotals } from './rebalance-model';
import { compareIds, isWithinBand } from './weights';

/**
 * The plan's notes: what the operator should know about the input (stale,
 * draining, retired shards; tenants on shards the fleet does not list) and
 * about the outcome (already balanced, or which shard stays outside the band
 * and why: tenants that may not move, a stale shard that cannot take its
 * share, the byte cap, a fill that only fills).
 */

export function inputNotes(tenants: readonly PlannerTenant[], shards: readonly PlannerShard[], request: PlanRequest): string[] {
  const notes: string[] = [];
  const ordered = [...shards].sort((a, b) => compareIds(a.shardId, b.shardId));
  const known = new Set(ordered.map((shard) => shard.shardId));
  const tenantsOn = (shardId: string) => tenants.filter((tenant) => tenant.shardId === shardId).length;

  const strays = tenants.filter((tenant) => !known.has(tenant.shardId));
  if (strays.length > 0) {
    const named = [...new Set(strays.map((tenant) => tenant.shardId))].sort(compareIds);
    notes.push(`${strays.length} tenant${strays.length === 1 ? '' : 's'} name a shard the fleet does not list (${named.join(', ')}): left out of the plan.`);
  }
  for (const shard of ordered) {
    const drained = request.mode === 'drain' && shard.shardId === request.shardId;
    if (shard.status === 'retired') {
      const count = tenantsOn(shard.shardId);
      if (count > 0) notes.push(`${shard.shardId} is retired but still lists ${count} tenant${count === 1 ? '' : 's'}: left out of the plan.`);
      continue;
    }
    if (shard.stale) {
      notes.push(
        drained
          ? `${shard.shardId}'s numbers are stale (down or unsampled): the drain uses its last known numbers, and its moves can only start once it is back.`
          : `${shard.shardId}'s numbers are stale (down or unsampled): no tenant is moved to it.`,
      );
    }
    if (drained && shard.status === 'active') {
      notes.push(`${shard.shardId} is still active: this plan treats it as draining. Mark it draining before running the plan so no new tenant is placed on it.`);
    } else if (!drained && shard.status === 'draining') {
      notes.push(`${shard.shardId} is draining: it only gives, and its tenants move only when that brings a light shard up; a drain plan empties it.`);
    }
  }
  return notes;
}

interface Outcome {
  request: PlanRequest;
  after: readonly ShardTotals[];
  moves: number;
  /** Every active shard ends within the band (for drain too, where withinThreshold means "ends empty"). */
  withinActive: boolean;
  /** The byte cap left out a move that would have helped. */
  cappedOut: boolean;
}

/** "+10.4 %", "−26 %", "just past +10 %": one decimal near the band's edge, so a shard just outside never reads as on it. */
function signedPercent(ratio: number, thresholdPct: number): string {
  const percent = (ratio - 1) * 100;
  const sign = percent > 0 ? '+' : '−';
  if (Math.abs(Math.abs(percent) - thresholdPct) >= 1) return `${sign}${Math.round(Math.abs(percent))} %`;
  const shown = Math.abs(percent).toFixed(1);
  return Number(shown) === thresholdPct ? `just past ${sign}${thresholdPct} %` : `${sign}${shown} %`;
}

export function outcomeNotes(state: FleetState, outcome: Outcome): string[] {
  const { request, after } = outcome;
  const band = `±${request.thresholdPct} %`;
  const active = after.filter((shard) => shard.status === 'active');
  if (active.length === 0) return ['No active shard: there is no mean to balance around.'];
  if (active.every((shard) => shard.ratioToMean === null)) return [`No ${request.dimension} measured on the active shards yet: nothing to balance.`];
  if (outcome.withinActive) {
    return outcome.moves === 0 && request.mode !== 'drain' ? [`Every active shard is already within ${band} of the mean: nothing to move.`] : [];
  }

  const notes: string[] = [];
  const mean = state.measure().mean;
  const upperEdge = mean * (1 + request.thresholdPct / 100);
  const starved = active.filter((shard) => shard.stale && shard.ratioToMean !== null && shard.ratioToMean < 1).map((shard) => shard.shardId);
  for (const shard of active) {
    if (shard.ratioToMean === null || isWithinBand(shard.ratioToMean, request.thresholdPct)) continue;
    const over = shard.ratioToMean > 1;
    const ends = `${request.mode === 'drain' ? 'After the drain, ' : ''}${shard.shardId} ends ${signedPercent(shard.ratioToMean, request.thresholdPct)} from the mean (outside ${band})`;
    const stuck = state.tenants.filter((tenant) => tenant.at === shard.shardId && tenant.blocker !== null);
    const stuckWeight = stuck.reduce((sum, tenant) => sum + tenant.weight, 0);
    let why: string;
    if (!over && shard.stale) {
      why = 'its numbers are stale, so nothing is moved to it';
    } else if (over && stuckWeight > upperEdge) {
      why = `tenants that may not move alone put it at ${signedPercent(stuckWeight / mean, request.thresholdPct)}: ${nameList(stuck.map((tenant) => `${tenant.tenant.name} (${tenant.blocker})`))}`;
    } else if (request.mode === 'fill' && shard.shardId !== request.shardId) {
      why = `this plan only fills ${request.shardId}; a balance plan evens out the rest`;
    } else if (request.mode === 'drain') {
      why = 'run a balance plan after the drain';
    } else if (outcome.cappedOut) {
      why = `the byte cap of ${formatBytes(request.maxBytes)} stopped the plan first; plan again after these moves or raise the cap`;
    } else if (over && starved.length > 0) {
      why = `${starved.join(', ')} cannot take tenants (stale numbers), so the other shards carry ${starved.length === 1 ? 'its' : 'their'} share`;
    } else {
      why = 'no single move or swap brings it closer without pushing another shard further out (a tenant wider than the whole band moves only when that improves the worst shard)';
    }
    notes.push(`${ends}: ${why}.`);
  }
  return notes;
}
