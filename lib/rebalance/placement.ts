import { PlanInputError } from './plan-errors';
import type { Dimension, PlacementDecision, ShardTotals } from './rebalance-model';
import { compareIds } from './weights';

/** The placement rule in words, shown on the balance page. */
export const PLACEMENT_RULE =
  'A new tenant goes to the active shard that carries the least weight in the balance dimension ' +
  '(by default an even mix of its share of the fleet’s bytes and of its sampled load); on a tie, the shard with ' +
  'fewer tenants, then the lower shard id. Draining and retired shards never receive new tenants, nor does a ' +
  'shard whose numbers are stale (down or unsampled). An admin may name the shard instead, but never a draining, ' +
  'retired or stale one.';

/** Weights this close (relative) count as a tie, so float noise in the mixed score does not decide. */
const WEIGHT_TIE = 1e-9;

function canTakeNewTenants(shard: ShardTotals): boolean {
  return shard.status === 'active' && !shard.stale;
}

/** The placement rule: pure, deterministic; throws PlanInputError('shardId') when no shard may take a tenant. */
export function placeNewTenant(shards: ShardTotals[], dimension: Dimension): PlacementDecision {
  const candidates = shards.filter(canTakeNewTenants).sort((a, b) => {
    const scale = Math.max(Math.abs(a.weight), Math.abs(b.weight));
    if (Math.abs(a.weight - b.weight) > WEIGHT_TIE * scale) return a.weight - b.weight;
    return a.tenants - b.tenants || compareIds(a.shardId, b.shardId);
  });
  const chosen = candidates[0];
  if (!chosen) {
    throw new PlanInputError('shardId', 'no active shard can take a new tenant: every shard is draining, retired or stale');
  }
  const standing =
    chosen.ratioToMean === null
      ? 'nothing is measured yet'
      : `${Math.round(Math.abs(chosen.ratioToMean - 1) * 100)} % ${chosen.ratioToMean < 1 ? 'below' : 'above'} the mean`;
  const tie = candidates.length > 1 && Math.abs(candidates[1].weight - chosen.weight) <= WEIGHT_TIE * Math.max(Math.abs(chosen.weight), 1e-300);
  const what = dimension === 'mixed' ? 'weight (bytes and load mixed)' : dimension;
  const reason =
    candidates.length === 1
      ? `${chosen.shardId} is the only active shard that can take new tenants (${standing}).`
      : tie
        ? `${chosen.shardId} ties for the least ${what} of the active shards (${standing}) and wins on ${chosen.tenants === candidates[1].tenants ? 'shard id' : 'fewer tenants'}.`
        : `${chosen.shardId} carries the least ${what} of the active shards (${standing}).`;
  return { shardId: chosen.shardId, chosenBy: 'rule', dimension, reason };
}

/** For a caller that names the shard: throws PlanInputError('shardId') unless the shard exists and may take new tenants. */
export function assertPlaceableShard(shards: ShardTotals[], shardId: string): void {
  const shard = shards.find((candidate) => candidate.shardId === shardId);
  if (!shard) throw new PlanInputError('shardId', `unknown shard "${shardId}"`);
  if (shard.status === 'draining') throw new PlanInputError('shardId', `${shardId} is draining: it gives tenants away and takes no new ones`);
  if (shard.status === 'retired') throw new PlanInputError('shardId', `${shardId} is retired: it takes no tenants`);
  if (shard.stale) throw new PlanInputError('shardId', `${shardId}'s numbers are stale (down or unsampled): choose another shard until it reports again`);
}
