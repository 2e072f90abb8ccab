import type { PlannerShard, PlannerTenant, ShardStatus } from './rebalance-model';
import { BAND_EPSILON, compareIds, type TenantWeigher } from './weights';

/**
 * The planner's working copy of the fleet: where each tenant is now, each
 * shard's weight, and how far the active shards are from the threshold band.
 * Pure and in memory; the planner's modes (balance, fill, drain) drive it.
 *
 * "Out of band" is measured as excess: for every active shard, how far its
 * weight lies outside mean ± threshold, summed. Excess 0 means every active
 * shard is within the threshold; a useful move lowers it.
 */

export interface ShardState {
  shardId: string;
  /** Status for this plan (a shard being drained is treated as draining). */
  status: ShardStatus;
  stale: boolean;
  /** Active shards set the mean and must end within the band; draining ones only give. */
  inMean: boolean;
  /** Active and not stale: the only shards a tenant may be moved to. */
  canReceive: boolean;
  weight: number;
  tenants: number;
}

export interface TenantState {
  tenant: PlannerTenant;
  weight: number;
  origin: string;
  at: string;
  /** Why the tenant never moves (pinned, suspended, moving, fenced); null when it may. */
  blocker: string | null;
  /** The planning step that last moved the tenant (0 while home), and the tenant it swapped with in that step. */
  step: number;
  swapWith: string | null;
}

export interface Measure {
  mean: number;
  excess: number;
  /** Largest |weight − mean| / mean over active shards (0 when the mean is 0). */
  worst: number;
}

/** One planned step; a swap is two steps, the first naming its partner. */
export interface Step {
  tenantId: string;
  from: string;
  to: string;
  swapWith: string | null;
}

export function blockerOf(tenant: PlannerTenant): string | null {
  if (tenant.pinned) return 'pinned';
  if (tenant.status === 'suspended') return 'suspended';
  if (tenant.status === 'moving') return 'already moving';
  if (tenant.status === 'fenced') return 'fenced by a move in progress';
  return null;
}

export class FleetState {
  readonly shards: ShardState[];
  readonly tenants: TenantState[];
  private readonly byShard = new Map<string, ShardState>();
  private readonly byTenant = new Map<string, TenantState>();

  constructor(
    tenants: readonly PlannerTenant[],
    shards: readonly (PlannerShard & { status: ShardStatus })[],
    weigh: TenantWeigher,
    readonly thresholdFraction: number,
  ) {
    this.shards = [...shards]
      .filter((shard) => shard.status !== 'retired')
      .sort((a, b) => compareIds(a.shardId, b.shardId))
      .map((shard) => ({
        shardId: shard.shardId,
        status: shard.status,
        stale: shard.stale,
        inMean: shard.status === 'active',
        canReceive: shard.status === 'active' && !shard.stale,
        weight: 0,
        tenants: 0,
      }));
    for (const shard of this.shards) this.byShard.set(shard.shardId, shard);
    this.tenants = [...tenants]
      .sort((a, b) => compareIds(a.tenantId, b.tenantId))
      .filter((tenant) => this.byShard.has(tenant.shardId))
      .map((tenant) => ({
        tenant,
        weight: weigh(tenant),
        origin: tenant.shardId,
        at: tenant.shardId,
        blocker: blockerOf(tenant),
        step: 0,
        swapWith: null,
      }));
    for (const state of this.tenants) {
      this.byTenant.set(state.tenant.tenantId, state);
      const shard = this.byShard.get(state.at)!;
      shard.weight += state.weight;
      shard.tenants += 1;
    }
  }

  shard(shardId: string): ShardState {
    return this.byShard.get(shardId)!;
  }

  tenant(tenantId: string): TenantState {
    return this.byTenant.get(tenantId)!;
  }

  /** Excess, mean and worst deviation, optionally as if the weights changed by `deltas` (shard id → added weight). */
  measure(deltas?: ReadonlyMap<string, number>): Measure {
    let total = 0;
    let count = 0;
    for (const shard of this.shards) {
      if (!shard.inMean) continue;
      total += shard.weight + (deltas?.get(shard.shardId) ?? 0);
      count += 1;
    }
    const mean = count === 0 ? 0 : total / count;
    if (!(mean > 0)) return { mean: 0, excess: 0, worst: 0 };
    const tolerance = this.thresholdFraction * mean;
    let excess = 0;
    let worst = 0;
    for (const shard of this.shards) {
      if (!shard.inMean) continue;
      const gap = Math.abs(shard.weight + (deltas?.get(shard.shardId) ?? 0) - mean);
      excess += Math.max(0, gap - tolerance);
      worst = Math.max(worst, gap / mean);
    }
    // Float noise at the band's edge is not excess.
    if (excess <= BAND_EPSILON * mean) excess = 0;
    return { mean, excess, worst };
  }

  /**
   * The excess after moving tenants, without moving them. When every shard
   * involved is active the mean stays put and only those shards' share of the
   * excess changes (constant time, which keeps planning a 10k-tenant fleet
   * fast); otherwise the mean moves and everything is measured again.
   */
  excessAfter(current: Measure, moves: readonly (readonly [TenantState, string])[]): number {
    // Small arrays rather than a Map: this runs millions of times on a big fleet.
    const changedShards: ShardState[] = [];
    const changedBy: number[] = [];
    for (const [state, to] of moves) {
      for (const [shard, delta] of [
        [this.shard(state.at), -state.weight],
        [this.shard(to), state.weight],
      ] as const) {
        const index = changedShards.indexOf(shard);
        if (index >= 0) changedBy[index] += delta;
        else {
          changedShards.push(shard);
          changedBy.push(delta);
        }
      }
    }
    const mean = current.mean;
    if (!(mean > 0) || changedShards.some((shard) => !shard.inMean)) return this.measureMoves(moves).excess;
    const tolerance = this.thresholdFraction * mean;
    let excess = current.excess;
    for (let index = 0; index < changedShards.length; index += 1) {
      const weight = changedShards[index].weight;
      excess += Math.max(0, Math.abs(weight + changedBy[index] - mean) - tolerance) - Math.max(0, Math.abs(weight - mean) - tolerance);
    }
    return excess <= BAND_EPSILON * mean ? 0 : excess;
  }

  /** The full measure after moving tenants (each to the shard id beside it), without moving them. */
  measureMoves(moves: readonly (readonly [TenantState, string])[]): Measure {
    const deltas = new Map<string, number>();
    for (const [state, to] of moves) {
      deltas.set(state.at, (deltas.get(state.at) ?? 0) - state.weight);
      deltas.set(to, (deltas.get(to) ?? 0) + state.weight);
    }
    return this.measure(deltas);
  }

  /** Move a tenant; `step` orders the plan's moves (a tenant sent home drops out of the plan). */
  move(state: TenantState, to: string, step = 0, swapWith: string | null = null): void {
    const from = this.shard(state.at);
    const target = this.shard(to);
    from.weight -= state.weight;
    from.tenants -= 1;
    target.weight += state.weight;
    target.tenants += 1;
    state.at = to;
    state.step = to === state.origin ? 0 : step;
    state.swapWith = to === state.origin ? null : swapWith;
  }

  /**
   * The plan so far: each tenant away from home, from its home to where it is
   * now, in the order of the step that last moved it. A swap stays one (two
   * adjacent steps, the first naming its partner) while both halves stand.
   */
  plannedSteps(): Step[] {
    const moved = this.tenants
      .filter((tenant) => tenant.at !== tenant.origin)
      .sort((a, b) => a.step - b.step || compareIds(a.tenant.tenantId, b.tenant.tenantId));
    const steps: Step[] = [];
    for (let index = 0; index < moved.length; index += 1) {
      const tenant = moved[index];
      const next = moved[index + 1];
      const swapped =
        tenant.swapWith !== null &&
        next?.tenant.tenantId === tenant.swapWith &&
        next.step === tenant.step &&
        next.origin === tenant.at &&
        next.at === tenant.origin;
      steps.push({ tenantId: tenant.tenant.tenantId, from: tenant.origin, to: tenant.at, swapWith: swapped ? tenant.swapWith : null });
      if (swapped) {
        steps.push({ tenantId: next.tenant.tenantId, from: next.origin, to: next.at, swapWith: null });
        index += 1;
      }
    }
    return steps;
  }

  /** Signed deviation of a shard from the mean (0.38 = 38 % above), null when the mean is 0. */
  deviation(shardId: string, mean: number): number | null {
    return mean > 0 ? this.shard(shardId).weight / mean - 1 : null;
  }

  isOverBand(shard: ShardState, mean: number): boolean {
    return shard.weight - mean > this.thresholdFraction * mean * (1 + BAND_EPSILON);
  }

  isUnderBand(shard: ShardState, mean: number): boolean {
    return mean - shard.weight > this.thresholdFraction * mean * (1 + BAND_EPSILON);
  }

  /** Bigger than the whole band (2 × threshold × mean): it cannot land inside the band by itself. */
  isBiggerThanBand(state: TenantState, mean: number): boolean {
    return state.weight > 2 * this.thresholdFraction * mean;
  }

  bytesMoved(): number {
    let bytes = 0;
    for (const state of this.tenants) if (state.at !== state.origin) bytes += state.tenant.bytes;
    return bytes;
  }
}
