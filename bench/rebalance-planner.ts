// The rebalance planner's wall time on demo-shaped fleets of growing size
// (pure CPU: no sandbox). The plan request runs inside the web process, so
// this is how long one POST /api/rebalance/plan holds a request (and the
// event loop) on a fleet of that size.
//
//   npm run bench:planner [-- --sizes 1000,10000,100000 --shards 2,4,16]
//
// Per size and shard count: a 70/30-like skew (the first shard holds 70 %,
// the rest share 30 %), balance on bytes and on the mixed dimension at the
// default 10 % threshold; prints ms, moves, bytes moved and skew before →
// after. Prints numbers, no pass/fail.
import { parseArgs } from 'node:util';
import { planRebalance } from '@/lib/rebalance/planner';
import type { Dimension } from '@/lib/rebalance/rebalance-model';
import { demoLikeFleet } from '../tests/unit/fixtures/rebalance/demo-fleet';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    shards: { type: 'string', default: '2,4,16' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const shardCounts = values.shards.split(',').map(Number);

function placementWeights(shardCount: number): number[] {
  if (shardCount === 1) return [1];
  return [0.7, ...Array.from({ length: shardCount - 1 }, () => 0.3 / (shardCount - 1))];
}

console.log('tenants  shards  dimension  ms       moves  bytes moved  skew before → after  within');
for (const count of sizes) {
  for (const shardCount of shardCounts) {
    const shardIds = Array.from({ length: shardCount }, (_, index) => `shard-${index + 1}`);
    const fleet = demoLikeFleet({ count, shardIds, placement: placementWeights(shardCount) });
    for (const dimension of ['bytes', 'mixed'] as Dimension[]) {
      const started = performance.now();
      const plan = planRebalance(fleet.tenants, fleet.shards, { mode: 'balance', dimension, thresholdPct: 10, maxBytes: null, shardId: null });
      const ms = performance.now() - started;
      console.log(
        [
          String(count).padEnd(7),
          String(shardCount).padEnd(6),
          dimension.padEnd(9),
          ms.toFixed(0).padEnd(7),
          String(plan.moves.length).padEnd(5),
          `${(plan.totals.bytes / 2 ** 30).toFixed(2)} GiB`.padEnd(11),
          `${plan.skewBefore.toFixed(2)} → ${plan.skewAfter.toFixed(2)}`.padEnd(19),
          plan.withinThreshold,
        ].join('  '),
      );
      if (!plan.withinThreshold) console.log(`         why not: ${plan.notes.join(' | ')}`);
    }
  }
}
