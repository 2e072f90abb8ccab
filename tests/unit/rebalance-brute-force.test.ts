import { describe, expect, it } from 'vitest';
import { planRebalance } from '@/lib/rebalance/planner';
import type { Dimension, PlannerShard, PlannerTenant } from '@/lib/rebalance/rebalance-model';
import { isWithinBand, makeWeigher } from '@/lib/rebalance/weights';
import { logUniform, mulberry32 } from './fixtures/rebalance/prng';
import { request, shard, MiB } from './fixtures/rebalance/builders';

/**
 * The greedy planner against the best plan brute force can find: on many
 * small random fleets (seeded), every assignment of the movable tenants to the
 * shards is tried, and the fewest bytes moved among those within the threshold
 * is the optimum. Pinned tenants stay put in both.
 */

interface Case {
  tenants: PlannerTenant[];
  shards: PlannerShard[];
  dimension: Dimension;
  thresholdPct: number;
}

function randomCase(random: () => number): Case {
  const shardCount = random() < 0.6 ? 2 : 3;
  const tenantCount = shardCount === 2 ? 6 + Math.floor(random() * 5) : 6 + Math.floor(random() * 3);
  const shards = Array.from({ length: shardCount }, (_, index) => shard(`shard-${index + 1}`));
  // Lean on the first shard, as real fleets do (the old crowded one).
  const crowded = 0.4 + random() * 0.5;
  const tenants = Array.from({ length: tenantCount }, (_, index) => {
    const onFirst = random() < crowded;
    const shardId = onFirst ? 'shard-1' : `shard-${2 + Math.floor(random() * (shardCount - 1))}`;
    const bytes = logUniform(random, 1, 200) * MiB;
    return {
      tenantId: `t-${index}`,
      name: `tenant-${index}`,
      shardId,
      bytes,
      load: logUniform(random, 1, 500),
      pinned: random() < 0.1,
      status: 'active' as const,
    };
  });
  const dimension: Dimension = random() < 0.7 ? 'bytes' : 'mixed';
  const thresholdPct = [5, 10, 20][Math.floor(random() * 3)];
  return { tenants, shards, dimension, thresholdPct };
}

/** Fewest bytes moved among assignments that put every shard within the threshold; null when none does. */
function bruteForceOptimum({ tenants, shards, dimension, thresholdPct }: Case): number | null {
  const weigh = makeWeigher(tenants, shards, dimension);
  const shardIds = shards.map((entry) => entry.shardId);
  const weights = tenants.map((entry) => weigh(entry));
  const origin = tenants.map((entry) => shardIds.indexOf(entry.shardId));
  const movable = tenants.map((entry, index) => (entry.pinned ? -1 : index)).filter((index) => index >= 0);
  const assignment = [...origin];
  let best: number | null = null;
  const combinations = shardIds.length ** movable.length;
  for (let code = 0; code < combinations; code += 1) {
    let rest = code;
    for (const index of movable) {
      assignment[index] = rest % shardIds.length;
      rest = Math.floor(rest / shardIds.length);
    }
    const load = shardIds.map(() => 0);
    let moved = 0;
    tenants.forEach((entry, index) => {
      load[assignment[index]] += weights[index];
      if (assignment[index] !== origin[index]) moved += entry.bytes;
    });
    if (best !== null && moved >= best) continue;
    const mean = load.reduce((sum, value) => sum + value, 0) / load.length;
    if (mean > 0 && !load.every((value) => isWithinBand(value / mean, thresholdPct))) continue;
    best = moved;
  }
  return best;
}

describe('rebalance planner against brute force', () => {
  const CASES = 400;
  const random = mulberry32(7_340_017);
  const cases = Array.from({ length: CASES }, () => randomCase(random));
  const results = cases.map((fleetCase) => {
    const plan = planRebalance(fleetCase.tenants, fleetCase.shards, request({ dimension: fleetCase.dimension, thresholdPct: fleetCase.thresholdPct }));
    return { optimum: bruteForceOptimum(fleetCase), plan };
  });
  const feasible = results.filter((result) => result.optimum !== null);
  const found = feasible.filter((result) => result.plan.withinThreshold);
  // Ratio of bytes moved: greedy / optimum, over feasible cases the greedy solved (0 / 0 counts as 1).
  const ratios = found.map((result) => (result.optimum === 0 ? (result.plan.totals.bytes === 0 ? 1 : Infinity) : result.plan.totals.bytes / result.optimum!));
  const meanRatio = ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length;
  const worstRatio = Math.max(...ratios);
  const optimalShare = ratios.filter((ratio) => ratio <= 1 + 1e-9).length / ratios.length;
  const foundShare = found.length / feasible.length;
  console.log(
    `brute force: ${CASES} fleets, ${feasible.length} feasible; greedy within threshold in ${(foundShare * 100).toFixed(1)} % of them; ` +
      `bytes moved / optimum: mean ${meanRatio.toFixed(3)}, worst ${worstRatio.toFixed(2)}, optimal in ${(optimalShare * 100).toFixed(1)} %`,
  );

  it(`finds a within-threshold plan in at least 90 % of the fleets where one exists (measured ${(foundShare * 100).toFixed(1)} %)`, () => {
    expect(feasible.length).toBeGreaterThan(CASES / 2);
    expect(foundShare).toBeGreaterThanOrEqual(0.9);
  });

  it(`moves on average at most 1.3 × the optimum's bytes (measured ${meanRatio.toFixed(3)} ×)`, () => {
    expect(meanRatio).toBeLessThanOrEqual(1.3);
  });

  it('never claims a plan within the threshold that is not, and never moves bytes when none need to move', () => {
    for (const { optimum, plan } of results) {
      if (plan.withinThreshold) expect(optimum).not.toBeNull();
      if (optimum === 0) expect(plan.moves).toEqual([]);
    }
  });

  it('never moves a pinned tenant', () => {
    cases.forEach((fleetCase, index) => {
      const pinned = new Set(fleetCase.tenants.filter((entry) => entry.pinned).map((entry) => entry.tenantId));
      for (const move of results[index].plan.moves) expect(pinned.has(move.tenantId)).toBe(false);
    });
  });
});
