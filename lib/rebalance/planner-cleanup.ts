import type { FleetState, Measure } from './planner-state';
import { overfills, placeableTenants, targetsOf, TIE, type Placement, type SearchOptions } from './planner-search';
import { compareIds } from './weights';

/**
 * After the greedy: undo moves the end state does not need (largest first),
 * then trade each remaining move for the cheapest tenant still at home whose
 * move leaves the end state no worse. Greedy steps taken early, when the
 * fleet was far from the band, are often bigger than the end needs; this is
 * what brings the plan's bytes close to the brute-force optimum.
 */

/** Evaluations the trade pass may spend (a few seconds' worth at most on a big fleet). */
const TRADE_WORK_LIMIT = 2_000_000;

/** No worse: still within the band when it was, else no more excess and no worse a worst shard. */
function noWorse(before: Measure, after: Measure): boolean {
  if (before.excess === 0) return after.excess === 0;
  return after.excess <= before.excess * (1 + TIE) && after.worst <= before.worst * (1 + TIE);
}

/** noWorse after the placements; while the plan is within the band only the excess is needed, which is cheap. */
function noWorseAfter(state: FleetState, current: Measure, placements: readonly Placement[]): boolean {
  if (current.excess === 0) return state.excessAfter(current, placements) === 0;
  return noWorse(current, state.measureMoves(placements));
}

export function cleanUpPlan(state: FleetState, options: SearchOptions): void {
  const bySize = (a: { tenant: { bytes: number; tenantId: string } }, b: { tenant: { bytes: number; tenantId: string } }) =>
    a.tenant.bytes - b.tenant.bytes || compareIds(a.tenant.tenantId, b.tenant.tenantId);
  const moved = () => state.tenants.filter((tenant) => tenant.at !== tenant.origin).sort((a, b) => bySize(b, a));

  for (const tenant of moved()) {
    if (noWorseAfter(state, state.measure(), [[tenant, tenant.origin]])) state.move(tenant, tenant.origin);
  }

  const home = placeableTenants(state, options)
    .filter((tenant) => tenant.at === tenant.origin)
    .sort(bySize);
  let work = TRADE_WORK_LIMIT;
  for (const tenant of moved()) {
    const current = state.measure();
    const back: Placement = [tenant, tenant.origin];
    const { givers, takers } = tradeShards(state, current, back);
    let cheaper: Placement | null = null;
    for (const other of home) {
      if (other.tenant.bytes >= tenant.tenant.bytes || work <= 0) break;
      if (other.at !== other.origin || (givers && !givers.includes(other.at))) continue;
      const big = state.isBiggerThanBand(other, current.mean);
      for (const to of targetsOf(options, other)) {
        if (takers && !takers.includes(to.shardId)) continue;
        if (options.fillUpToMean && overfills(state, to, to.weight - (back[0].at === to.shardId ? back[0].weight : 0) + other.weight, current.mean)) continue;
        work -= 1;
        const placements: Placement[] = [back, [other, to.shardId]];
        if (!noWorseAfter(state, current, placements)) continue;
        if (big && state.measureMoves(placements).worst > current.worst * (1 + TIE)) continue;
        cheaper = [other, to.shardId];
        break;
      }
      if (cheaper) break;
    }
    if (!cheaper) continue;
    const step = tenant.step;
    state.move(tenant, tenant.origin);
    state.move(cheaper[0], cheaper[1], step);
  }
}

/**
 * Where a trade for `back` (a moved tenant sent home) can come from and go
 * to, when the plan is within the band and the mean does not move: a single
 * tenant mends at most one shard that sending `back` home pushes over the band
 * (it must come from there) and one pushed under (it must go there).
 * null: anywhere.
 */
function tradeShards(state: FleetState, current: Measure, back: Placement): { givers: string[] | null; takers: string[] | null } {
  const from = state.shard(back[0].at);
  const home = state.shard(back[1]);
  if (current.excess !== 0 || !from.inMean || !home.inMean) return { givers: null, takers: null };
  const tolerance = state.thresholdFraction * current.mean;
  const over: string[] = [];
  const under: string[] = [];
  for (const [shard, weight] of [
    [from, from.weight - back[0].weight],
    [home, home.weight + back[0].weight],
  ] as const) {
    if (weight - current.mean > tolerance) over.push(shard.shardId);
    if (current.mean - weight > tolerance) under.push(shard.shardId);
  }
  return { givers: over.length > 0 ? over : null, takers: under.length > 0 ? under : null };
}
