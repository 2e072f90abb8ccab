import type { FleetState, Measure, ShardState, TenantState } from './planner-state';
import { BAND_EPSILON } from './weights';

/**
 * The greedy search behind balance and fill: repeatedly make the move (or,
 * when no single move helps, the swap) that removes the most out-of-band
 * weight per byte it adds to the plan. A tenant may be moved again or sent
 * back (that costs no extra bytes, or saves them); the plan keeps only where
 * each tenant ends. planner-cleanup.ts then trims the result. Checked against
 * brute force on small fleets (tests/unit/rebalance-brute-force.test.ts).
 */

export interface SearchOptions {
  /** Shards that may take tenants (balance: active, not stale; fill: the shard being filled). */
  receivers: readonly ShardState[];
  /** Shards that may give tenants. */
  givers: readonly ShardState[];
  /** Byte budget; null: no cap. */
  maxBytes: number | null;
  allowSwaps: boolean;
  /**
   * Fill: receivers fill up to the mean, not past it, except that a move that
   * lifts a receiver from below the band into it may overshoot the mean within
   * the band. The rest of the evening out is a balance plan's job.
   */
  fillUpToMean: boolean;
}

export type Placement = readonly [TenantState, string];

/** Relative tolerance for "as good as": keeps ties on the first candidate in id order. */
export const TIE = 1e-9;
/**
 * Swaps are tried only when no single move helps, and only on fleets up to
 * this many movable tenants (the pairs grow with its square). Big fleets have
 * enough small tenants that a single move nearly always helps.
 */
const SWAP_SEARCH_MAX_TENANTS = 2_000;

/**
 * Past this many movable tenants the search works in "large fleet" mode,
 * because the full search costs steps × tenants × shards (a 10k-tenant fleet
 * on 16 shards took 16 s, 100k would take hours), and a plan request runs in
 * the web process:
 * - it considers, on each giving shard, its heaviest tenants still at home in
 *   windows of LARGE_FLEET_WINDOW, opening the next window only when no
 *   tenant of the open ones helps (the heaviest close a gap in fewest moves);
 * - a tenant is moved once (no re-moves; the cleanup pass still trims);
 * - a tenant goes to the lightest receiver: when the mean stays put, that
 *   shard removes the most excess for any tenant weight (it is furthest
 *   below the band and furthest from going over it).
 * Smaller fleets get the full search, which the brute-force test checks.
 * bench/rebalance-planner.ts measures both.
 */
export const LARGE_FLEET_TENANTS = SWAP_SEARCH_MAX_TENANTS;
const LARGE_FLEET_WINDOW = 64;

/** Fill: would `weight` take the receiver past what fillUpToMean allows? */
export function overfills(state: FleetState, to: ShardState, weight: number, mean: number): boolean {
  if (weight <= mean) return false;
  return !(state.isUnderBand(to, mean) && weight <= mean * (1 + state.thresholdFraction));
}

/** Tenants the search may place: movable, and either still home on a giver or already moved by this plan. */
export function placeableTenants(state: FleetState, options: SearchOptions): TenantState[] {
  const givers = new Set(options.givers.map((shard) => shard.shardId));
  return state.tenants.filter((tenant) => tenant.blocker === null && (tenant.at !== tenant.origin || givers.has(tenant.at)));
}

/** Targets for a tenant: the receivers, plus its home shard once it has been moved away. */
export function targetsOf(options: SearchOptions, tenant: TenantState): ShardState[] {
  const targets = options.receivers.filter((shard) => shard.shardId !== tenant.at);
  if (tenant.at !== tenant.origin && !options.receivers.some((shard) => shard.shardId === tenant.origin)) {
    return [...targets, ...options.givers.filter((shard) => shard.shardId === tenant.origin)];
  }
  return targets;
}

interface Candidate {
  placements: Placement[];
  gain: number;
  score: number;
}

function isBetter(candidate: Candidate, best: Candidate | null): boolean {
  if (!best) return true;
  if (candidate.score > best.score * (1 + TIE)) return true;
  if (candidate.score < best.score * (1 - TIE)) return false;
  return candidate.gain > best.gain * (1 + TIE);
}

/** Bytes a placement adds to the plan: a first move costs the tenant's bytes, a re-move nothing, a return home saves them. */
function addedBytes(tenant: TenantState, to: string): number {
  if (to === tenant.origin) return -tenant.tenant.bytes;
  return tenant.at === tenant.origin ? tenant.tenant.bytes : 0;
}

/** The excess left after the placements when they help, else null. */
function excessIfHelps(state: FleetState, current: Measure, placements: readonly Placement[]): number | null {
  const excess = state.excessAfter(current, placements);
  // A gain at the level of float noise is none (and could make the search go round in circles).
  if (!(excess < current.excess - BAND_EPSILON * current.mean)) return null;
  // A tenant bigger than the band moves only when that improves the worst shard.
  const big = placements.some(([tenant]) => state.isBiggerThanBand(tenant, current.mean));
  if (big && !(state.measureMoves(placements).worst < current.worst * (1 - TIE))) return null;
  return excess;
}

/** Runs the greedy on `state` (which it changes); true when the byte cap left out a move that would have helped. */
export function searchBalance(state: FleetState, options: SearchOptions): { cappedOut: boolean } {
  let cappedOut = false;
  const windows = placeableTenants(state, options).length > LARGE_FLEET_TENANTS ? new HeaviestWindows(state, options) : null;
  // Each step lowers the excess by more than float noise, so this ends; the step cap is a guard, not a rule.
  const maxSteps = 4 * state.tenants.length + 16;
  for (let step = 1; step <= maxSteps; step += 1) {
    const current = state.measure();
    if (current.excess === 0) break;
    const budget = options.maxBytes === null ? Infinity : options.maxBytes - state.bytesMoved();
    let best: Candidate | null = null;
    const offer = (placements: Placement[], gain: number) => {
      const added = placements.reduce((sum, [tenant, to]) => sum + addedBytes(tenant, to), 0);
      if (added > budget) {
        cappedOut = true;
        return;
      }
      const candidate = { placements, gain, score: gain / (Math.max(0, added) + 1) };
      if (isBetter(candidate, best)) best = candidate;
    };

    const candidates = windows ? windows.open() : placeableTenants(state, options);
    considerMoves(state, options, candidates, current, offer, windows ? lightestReceivers(options) : null);
    if (!best && windows?.widen()) {
      step -= 1;
      continue;
    }
    if (!best && !windows && options.allowSwaps && candidates.length <= SWAP_SEARCH_MAX_TENANTS) {
      considerSwaps(state, options, candidates, current, (placements) => {
        const excess = excessIfHelps(state, current, placements);
        if (excess !== null) offer(placements, current.excess - excess);
      });
    }
    const chosen = best as Candidate | null;
    if (!chosen) break;
    const [first, second] = chosen.placements;
    state.move(first[0], first[1], step, second ? second[0].tenant.tenantId : null);
    if (second) state.move(second[0], second[1], step, first[0].tenant.tenantId);
  }
  return { cappedOut };
}

/**
 * Every single move of a candidate to a target that lowers the excess. The
 * common case (both shards active, so the mean stays) is plain arithmetic on
 * the two shards: this loop is where a 10k-tenant plan spends its time.
 */
function considerMoves(
  state: FleetState,
  options: SearchOptions,
  candidates: readonly TenantState[],
  current: Measure,
  offer: (placements: Placement[], gain: number) => void,
  lightest: readonly ShardState[] | null,
): void {
  const { mean } = current;
  const tolerance = state.thresholdFraction * mean;
  const outside = (weight: number) => Math.max(0, Math.abs(weight - mean) - tolerance);
  const noise = BAND_EPSILON * mean;
  for (const tenant of candidates) {
    const from = state.shard(tenant.at);
    const fromOver = !from.inMean || state.isOverBand(from, mean);
    const fromGain = from.inMean ? outside(from.weight) - outside(from.weight - tenant.weight) : 0;
    const big = state.isBiggerThanBand(tenant, mean);
    const targets =
      lightest && from.inMean && !big
        ? lightest.filter((shard) => shard !== from).slice(0, 1)
        : tenant.at === tenant.origin
          ? options.receivers
          : targetsOf(options, tenant);
    for (const to of targets) {
      if (to === from) continue;
      // Between two shards already inside the band a move can only widen the gap.
      if (!fromOver && !state.isUnderBand(to, mean)) continue;
      if (options.fillUpToMean && overfills(state, to, to.weight + tenant.weight, mean)) continue;
      if (from.inMean && to.inMean && !big) {
        const gain = fromGain + outside(to.weight) - outside(to.weight + tenant.weight);
        if (gain > noise) offer([[tenant, to.shardId]], gain);
      } else {
        const excess = excessIfHelps(state, current, [[tenant, to.shardId]]);
        if (excess !== null) offer([[tenant, to.shardId]], current.excess - excess);
      }
    }
  }
}

/** Swaps of two tenants between two receiving shards, one of them outside the band. */
function considerSwaps(
  state: FleetState,
  options: SearchOptions,
  candidates: readonly TenantState[],
  current: Measure,
  consider: (placements: Placement[]) => void,
): void {
  const receivers = new Set(options.receivers);
  for (const first of candidates) {
    const a = state.shard(first.at);
    if (!receivers.has(a) || !(state.isOverBand(a, current.mean) || state.isUnderBand(a, current.mean))) continue;
    for (const second of candidates) {
      const b = state.shard(second.at);
      if (b === a || !receivers.has(b)) continue;
      consider([
        [first, b.shardId],
        [second, a.shardId],
      ]);
    }
  }
}

/** The receivers lightest first (ties in id order): the first one other than a tenant's own shard is its best target. */
function lightestReceivers(options: SearchOptions): ShardState[] {
  return [...options.receivers].sort((a, b) => a.weight - b.weight || (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0)).slice(0, 2);
}

/** Large fleet mode: per giving shard, its movable tenants heaviest first, considered a window at a time. */
class HeaviestWindows {
  private readonly queues: TenantState[][];
  /** Per queue, where its first tenant still at home may be (everything before it has moved). */
  private readonly starts: number[];
  private size = LARGE_FLEET_WINDOW;

  constructor(state: FleetState, options: SearchOptions) {
    const home = placeableTenants(state, options).filter((tenant) => tenant.at === tenant.origin);
    this.queues = options.givers.map((giver) =>
      home
        .filter((tenant) => tenant.origin === giver.shardId)
        .sort((a, b) => b.weight - a.weight || (a.tenant.tenantId < b.tenant.tenantId ? -1 : a.tenant.tenantId > b.tenant.tenantId ? 1 : 0)),
    );
    this.starts = this.queues.map(() => 0);
  }

  /** Up to `size` tenants per queue, heaviest first, that are still at home. */
  open(): TenantState[] {
    const open: TenantState[] = [];
    this.queues.forEach((queue, index) => {
      while (this.starts[index] < queue.length && queue[this.starts[index]].at !== queue[this.starts[index]].origin) this.starts[index] += 1;
      let taken = 0;
      for (let position = this.starts[index]; position < queue.length && taken < this.size; position += 1) {
        if (queue[position].at !== queue[position].origin) continue;
        open.push(queue[position]);
        taken += 1;
      }
    });
    return open;
  }

  /** Opens the next window on every queue; false when every tenant still at home was already open. */
  widen(): boolean {
    const home = this.queues.map((queue, index) => queue.slice(this.starts[index]).filter((tenant) => tenant.at === tenant.origin).length);
    if (home.every((count) => count <= this.size)) return false;
    this.size += LARGE_FLEET_WINDOW;
    return true;
  }
}
