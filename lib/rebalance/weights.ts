import type { Dimension, PlannerShard, PlannerTenant, ShardTotals } from './rebalance-model';
import { DEFAULT_BYTES_WEIGHT } from './rebalance-model';

/**
 * What "heavy" means for a tenant and a shard, per dimension.
 *
 * - 'bytes': the raw measured bytes.
 * - 'load': the raw sampled load (active seconds over the window).
 * - 'mixed': bytesWeight × (bytes / fleet bytes) + (1 − bytesWeight) × (load / fleet load),
 *   i.e. a weighted sum of the tenant's (or shard's) share of the fleet in each
 *   dimension, so bytes and seconds add up without a unit. Fleet totals are taken
 *   over the tenants of non-retired shards. When the fleet's load is 0 (nothing
 *   sampled yet) the mix falls back to the bytes share alone, and vice versa;
 *   when both are 0 every weight is 0.
 *
 * Moves between non-retired shards leave the fleet totals unchanged, so a
 * tenant's weight is the same wherever the planner puts it: weights add up.
 */

/** Float noise allowance when comparing a ratio to the threshold band (a ratio is "within" up to this much past the edge). */
export const BAND_EPSILON = 1e-9;

/** The weight of one tenant in a dimension; built once per fleet snapshot. */
export type TenantWeigher = (tenant: Pick<PlannerTenant, 'bytes' | 'load'>) => number;

export function makeWeigher(
  tenants: readonly PlannerTenant[],
  shards: readonly PlannerShard[],
  dimension: Dimension,
  bytesWeight: number = DEFAULT_BYTES_WEIGHT,
): TenantWeigher {
  if (dimension === 'bytes') return (tenant) => tenant.bytes;
  if (dimension === 'load') return (tenant) => tenant.load;
  const counted = new Set(shards.filter((shard) => shard.status !== 'retired').map((shard) => shard.shardId));
  let fleetBytes = 0;
  let fleetLoad = 0;
  for (const tenant of sortedTenants(tenants)) {
    if (!counted.has(tenant.shardId)) continue;
    fleetBytes += tenant.bytes;
    fleetLoad += tenant.load;
  }
  if (fleetBytes > 0 && fleetLoad > 0) {
    return (tenant) => bytesWeight * (tenant.bytes / fleetBytes) + (1 - bytesWeight) * (tenant.load / fleetLoad);
  }
  if (fleetBytes > 0) return (tenant) => tenant.bytes / fleetBytes;
  if (fleetLoad > 0) return (tenant) => tenant.load / fleetLoad;
  return () => 0;
}

/**
 * Per shard (every shard given, retired ones included, in shard id order):
 * tenants, bytes, load and weight in the dimension, and weight / mean of the
 * active shards' weights. ratioToMean is null for retired shards and when the
 * active mean is 0 (nothing measured: no ratio to show). Tenants naming a shard
 * not in the list are left out.
 */
export function summarizeShards(
  tenants: PlannerTenant[],
  shards: PlannerShard[],
  dimension: Dimension,
  bytesWeight: number = DEFAULT_BYTES_WEIGHT,
): ShardTotals[] {
  const weigh = makeWeigher(tenants, shards, dimension, bytesWeight);
  const byShard = new Map<string, { tenants: number; bytes: number; load: number; weight: number }>();
  for (const shard of shards) byShard.set(shard.shardId, { tenants: 0, bytes: 0, load: 0, weight: 0 });
  // Summed in tenant id order: the same totals to the last bit whatever the input order.
  for (const tenant of sortedTenants(tenants)) {
    const sums = byShard.get(tenant.shardId);
    if (!sums) continue;
    sums.tenants += 1;
    sums.bytes += tenant.bytes;
    sums.load += tenant.load;
    sums.weight += weigh(tenant);
  }
  const ordered = [...shards].sort((a, b) => compareIds(a.shardId, b.shardId));
  const active = ordered.filter((shard) => shard.status === 'active');
  const mean = active.length === 0 ? 0 : active.reduce((sum, shard) => sum + byShard.get(shard.shardId)!.weight, 0) / active.length;
  return ordered.map((shard) => {
    const sums = byShard.get(shard.shardId)!;
    return {
      shardId: shard.shardId,
      status: shard.status,
      tenants: sums.tenants,
      bytes: sums.bytes,
      load: sums.load,
      weight: sums.weight,
      ratioToMean: shard.status === 'retired' || mean <= 0 ? null : sums.weight / mean,
      stale: shard.stale,
    };
  });
}

/** max / mean of the weight over active shards; null when there is no active shard or their mean is 0. */
export function skewOf(totals: ShardTotals[]): number | null {
  const active = totals.filter((shard) => shard.status === 'active');
  if (active.length === 0) return null;
  const mean = active.reduce((sum, shard) => sum + shard.weight, 0) / active.length;
  if (!(mean > 0)) return null;
  return Math.max(...active.map((shard) => shard.weight)) / mean;
}

/** True when a shard at `ratioToMean` is within ±thresholdPct % of the mean. */
export function isWithinBand(ratioToMean: number, thresholdPct: number): boolean {
  return Math.abs(ratioToMean - 1) <= thresholdPct / 100 + BAND_EPSILON;
}

/** Byte-wise id order: the same everywhere, whatever the locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedTenants<T extends { tenantId: string }>(tenants: readonly T[]): T[] {
  return [...tenants].sort((a, b) => compareIds(a.tenantId, b.tenantId));
}
