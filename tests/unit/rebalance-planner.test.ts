import { describe, expect, it } from 'vitest';
import { PlanInputError } from '@/lib/rebalance/plan-errors';
import { planRebalance } from '@/lib/rebalance/planner';
import type { Plan, PlannerShard, PlannerTenant, PlanRequest } from '@/lib/rebalance/rebalance-model';
import { skewOf, summarizeShards } from '@/lib/rebalance/weights';
import { request, shard, tenant, MiB } from './fixtures/rebalance/builders';
import { demoLikeFleet } from './fixtures/rebalance/demo-fleet';
import { mulberry32, shuffled } from './fixtures/rebalance/prng';

function ratios(plan: Plan, side: 'before' | 'after' = 'after'): Record<string, number | null> {
  return Object.fromEntries(plan[side].map((totals) => [totals.shardId, totals.ratioToMean]));
}

function movedIds(plan: Plan): string[] {
  return plan.moves.map((move) => move.tenantId);
}

function expectWithin(plan: Plan, thresholdPct: number) {
  for (const totals of plan.after.filter((entry) => entry.status === 'active')) {
    expect(Math.abs(totals.ratioToMean! - 1), totals.shardId).toBeLessThanOrEqual(thresholdPct / 100 + 1e-9);
  }
}

/** Four tenants of 40/30/20/10 MiB on shard-1, one of 10 MiB on shard-2: 100 vs 10. */
function lopsided(): { tenants: PlannerTenant[]; shards: PlannerShard[] } {
  return {
    tenants: [tenant('a', 'shard-1', 40), tenant('b', 'shard-1', 30), tenant('c', 'shard-1', 20), tenant('d', 'shard-1', 10), tenant('e', 'shard-2', 10)],
    shards: [shard('shard-1'), shard('shard-2')],
  };
}

describe('shard weights', () => {
  const shards = [shard('shard-2'), shard('shard-1'), shard('shard-9', { status: 'retired' })];
  const tenants = [
    tenant('a', 'shard-1', 300, { load: 10 }),
    tenant('b', 'shard-2', 100, { load: 30 }),
    tenant('z', 'shard-9', 1_000, { load: 1_000 }),
  ];

  it('gives one entry per shard in shard id order, retired ones included with no ratio', () => {
    const totals = summarizeShards(tenants, shards, 'bytes');
    expect(totals.map((entry) => entry.shardId)).toEqual(['shard-1', 'shard-2', 'shard-9']);
    expect(totals[2]).toMatchObject({ status: 'retired', tenants: 1, ratioToMean: null });
    expect(totals[0]).toMatchObject({ tenants: 1, bytes: 300 * MiB, weight: 300 * MiB, ratioToMean: 1.5 });
  });

  it('weighs the mixed dimension as shares of the non-retired fleet', () => {
    // shard-1: bytes share 0.75, load share 0.25 → 0.5 × 0.75 + 0.5 × 0.25 = 0.5; with bytesWeight 0.8 → 0.65.
    const even = summarizeShards(tenants, shards, 'mixed');
    expect(even[0].weight).toBeCloseTo(0.5, 12);
    expect(even[1].weight).toBeCloseTo(0.5, 12);
    const bytesHeavy = summarizeShards(tenants, shards, 'mixed', 0.8);
    expect(bytesHeavy[0].weight).toBeCloseTo(0.65, 12);
    expect(bytesHeavy[1].weight).toBeCloseTo(0.35, 12);
  });

  it('falls back to the bytes share when no load was sampled', () => {
    const unsampled = tenants.map((entry) => ({ ...entry, load: 0 }));
    const totals = summarizeShards(unsampled, shards, 'mixed');
    expect(totals[0].weight).toBeCloseTo(0.75, 12);
    expect(totals[1].weight).toBeCloseTo(0.25, 12);
  });

  it('measures skew as max / mean over active shards only, null when nothing is measured', () => {
    expect(skewOf(summarizeShards(tenants, shards, 'bytes'))).toBeCloseTo(1.5, 12);
    expect(skewOf(summarizeShards([], shards, 'bytes'))).toBeNull();
    expect(skewOf(summarizeShards(tenants, [shard('shard-9', { status: 'retired' })], 'bytes'))).toBeNull();
  });
});

describe('rebalance planner: balance', () => {
  const fleet = demoLikeFleet();

  for (const dimension of ['bytes', 'load', 'mixed'] as const) {
    it(`brings a 70/30 demo-like fleet of 300 tenants within 10 % by ${dimension}`, () => {
      const plan = planRebalance(fleet.tenants, fleet.shards, request({ dimension }));
      expect(plan.skewBefore).toBeGreaterThan(1.3);
      expect(plan.withinThreshold).toBe(true);
      expectWithin(plan, 10);
      expect(plan.skewAfter).toBeLessThanOrEqual(1.1 + 1e-9);
      expect(plan.moves.every((move) => move.from === 'shard-1' && move.to === 'shard-2')).toBe(true);
      expect(plan.totals.tenants).toBe(plan.moves.length);
      expect(plan.totals.bytes).toBe(plan.moves.reduce((sum, move) => sum + move.bytes, 0));
    });
  }

  it('moves barely more bytes than the least any plan could (by bytes, 70/30)', () => {
    const plan = planRebalance(fleet.tenants, fleet.shards, request({ dimension: 'bytes' }));
    const [heavy, light] = plan.before;
    const mean = (heavy.bytes + light.bytes) / 2;
    // shard-1 must shed at least its excess over the top of the band.
    const leastPossible = heavy.bytes - 1.1 * mean;
    expect(plan.totals.bytes).toBeGreaterThanOrEqual(leastPossible);
    expect(plan.totals.bytes).toBeLessThanOrEqual(1.05 * leastPossible);
  });

  it('explains every move with where both shards stand and where the move brings them', () => {
    const plan = planRebalance(fleet.tenants, fleet.shards, request({ dimension: 'bytes' }));
    expect(plan.moves[0].reason).toMatch(/^shard-1 is \d+ % above the mean; shard-2 is \d+ % below the mean; moving .+ \(.+MiB\) brings shard-1 to \+\d+ % and shard-2 to −\d+ %\.$/);
    for (const move of plan.moves) expect(move.reason).toContain(move.name);
  });

  it('never moves a pinned tenant: with the biggest pinned it balances with the others', () => {
    const biggest = [...fleet.tenants].filter((entry) => entry.shardId === 'shard-1').sort((a, b) => b.bytes - a.bytes)[0];
    const tenants = fleet.tenants.map((entry) => (entry.tenantId === biggest.tenantId ? { ...entry, pinned: true } : entry));
    for (const dimension of ['bytes', 'mixed'] as const) {
      const plan = planRebalance(tenants, fleet.shards, request({ dimension }));
      expect(movedIds(plan)).not.toContain(biggest.tenantId);
      for (const entry of tenants.filter((candidate) => candidate.pinned)) expect(movedIds(plan)).not.toContain(entry.tenantId);
      expect(plan.withinThreshold).toBe(true);
    }
  });

  it('says so when pinned tenants alone keep a shard over the band', () => {
    const tenants = [tenant('giant', 'shard-1', 80, { pinned: true, name: 'giant-co' }), tenant('b', 'shard-1', 10), tenant('c', 'shard-2', 10)];
    const plan = planRebalance(tenants, [shard('shard-1'), shard('shard-2')], request());
    expect(movedIds(plan)).not.toContain('giant');
    expect(plan.withinThreshold).toBe(false);
    expect(plan.notes.join('\n')).toMatch(/shard-1 ends \+\d+ % from the mean \(outside ±10 %\): tenants that may not move alone put it at .*giant-co \(pinned\)/);
  });

  it('never moves suspended, moving or fenced tenants', () => {
    const heavy = [...fleet.tenants].filter((entry) => entry.shardId === 'shard-1').sort((a, b) => b.bytes - a.bytes);
    const statuses = new Map<string, PlannerTenant['status']>([
      [heavy[0].tenantId, 'suspended'],
      [heavy[1].tenantId, 'moving'],
      [heavy[2].tenantId, 'fenced'],
    ]);
    const tenants = fleet.tenants.map((entry) => (statuses.has(entry.tenantId) ? { ...entry, status: statuses.get(entry.tenantId)! } : entry));
    const plan = planRebalance(tenants, fleet.shards, request({ dimension: 'mixed' }));
    for (const tenantId of statuses.keys()) expect(movedIds(plan)).not.toContain(tenantId);
    expect(plan.withinThreshold).toBe(true);
  });

  it('moves a tenant wider than the band only when that improves the worst shard', () => {
    // Mean 100, band 90–110 (20 wide). shard-1 (+90 %, all pinned) is the worst and no move can touch it.
    const pinned = { pinned: true };
    const shards = ['shard-1', 'shard-2', 'shard-3', 'shard-4'].map((shardId) => shard(shardId));
    const around = [tenant('p1', 'shard-1', 190, pinned), tenant('p2', 'shard-2', 90, pinned), tenant('p3', 'shard-3', 40, pinned), tenant('p4', 'shard-4', 40, pinned)];
    // A 40 MiB tenant on shard-2 (+30 %) would help shard-2 and shard-3, but not the worst shard: it stays.
    const wide = planRebalance([...around, tenant('wide', 'shard-2', 40)], shards, request());
    expect(wide.moves).toEqual([]);
    // The same 40 MiB as four tenants narrower than the band: they move.
    const narrow = planRebalance([...around, ...[1, 2, 3, 4].map((index) => tenant(`n${index}`, 'shard-2', 10))], shards, request());
    expect(narrow.moves.length).toBeGreaterThan(0);
    // Here moving the wide tenant fixes the worst shard (shard-2 at −100 %), so it moves.
    const helpful = planRebalance(
      [tenant('wide', 'shard-1', 30), tenant('p1', 'shard-1', 30, pinned), tenant('tiny', 'shard-2', 0.001), tenant('p3', 'shard-3', 30, pinned)],
      shards.slice(0, 3),
      request(),
    );
    expect(movedIds(helpful)).toEqual(['wide']);
    expect(helpful.withinThreshold).toBe(true);
  });

  it('moves nothing when every shard is already within the threshold', () => {
    const plan = planRebalance([tenant('a', 'shard-1', 52), tenant('b', 'shard-2', 48)], [shard('shard-1'), shard('shard-2')], request());
    expect(plan.moves).toEqual([]);
    expect(plan.withinThreshold).toBe(true);
    expect(plan.notes).toEqual(['Every active shard is already within ±10 % of the mean: nothing to move.']);
    expect(plan.before).toEqual(plan.after);
  });

  it('reports skew 1 and moves nothing when nothing is measured', () => {
    const plan = planRebalance([tenant('a', 'shard-1', 0, { load: 0 })], [shard('shard-1'), shard('shard-2')], request({ dimension: 'load' }));
    expect(plan.moves).toEqual([]);
    expect(plan.skewBefore).toBe(1);
    expect(plan.skewAfter).toBe(1);
    expect(plan.withinThreshold).toBe(true);
    expect(plan.notes[0]).toMatch(/No load measured/);
  });

  it('gives the same plan whatever the order of tenants and shards', () => {
    const reference = planRebalance(fleet.tenants, fleet.shards, request({ dimension: 'mixed' }));
    const random = mulberry32(42);
    for (let round = 0; round < 5; round += 1) {
      const plan = planRebalance(shuffled(fleet.tenants, random), shuffled(fleet.shards, random), request({ dimension: 'mixed' }));
      expect(plan).toEqual(reference);
    }
  });

  it('never moves a tenant to a draining shard, and lets the draining shard give', () => {
    const tenants = [...lopsided().tenants, tenant('f', 'shard-3', 5)];
    const shards = [shard('shard-1'), shard('shard-2'), shard('shard-3', { status: 'draining' })];
    const plan = planRebalance(tenants, shards, request());
    expect(plan.moves.length).toBeGreaterThan(0);
    expect(plan.moves.some((move) => move.to === 'shard-3')).toBe(false);
    expect(plan.withinThreshold).toBe(true);
    expect(plan.notes.some((note) => note.startsWith('shard-3 is draining: it only gives'))).toBe(true);
  });

  it('never moves a tenant to a stale shard and names it in the notes', () => {
    const tenants = [...lopsided().tenants, tenant('f', 'shard-3', 5)];
    const shards = [shard('shard-1'), shard('shard-2'), shard('shard-3', { stale: true })];
    const plan = planRebalance(tenants, shards, request());
    expect(plan.moves.some((move) => move.to === 'shard-3')).toBe(false);
    expect(plan.withinThreshold).toBe(false);
    expect(plan.notes).toContain("shard-3's numbers are stale (down or unsampled): no tenant is moved to it.");
    expect(plan.notes.some((note) => /^shard-3 ends −\d+ % .*: its numbers are stale, so nothing is moved to it\.$/.test(note))).toBe(true);
  });

  it('ignores a retired shard: not in the mean, never a source or a target', () => {
    const tenants = [...lopsided().tenants, tenant('old', 'shard-0', 500)];
    const shards = [shard('shard-0', { status: 'retired' }), shard('shard-1'), shard('shard-2')];
    const plan = planRebalance(tenants, shards, request());
    expect(plan.moves.every((move) => move.from !== 'shard-0' && move.to !== 'shard-0')).toBe(true);
    expect(plan.after[0]).toMatchObject({ shardId: 'shard-0', ratioToMean: null, tenants: 1 });
    expect(plan.withinThreshold).toBe(true);
    expect(plan.notes).toContain('shard-0 is retired but still lists 1 tenant: left out of the plan.');
  });

  it('never moves more bytes than maxBytes, and says the cap stopped it', () => {
    const cap = 5 * MiB;
    const plan = planRebalance(fleet.tenants, fleet.shards, request({ maxBytes: cap }));
    expect(plan.totals.bytes).toBeGreaterThan(0);
    expect(plan.totals.bytes).toBeLessThanOrEqual(cap);
    expect(plan.withinThreshold).toBe(false);
    expect(plan.skewAfter).toBeLessThan(plan.skewBefore);
    expect(plan.notes.some((note) => note.includes('the byte cap of 5.0 MiB stopped the plan first'))).toBe(true);
    expect(planRebalance(fleet.tenants, fleet.shards, request({ maxBytes: 0 })).moves).toEqual([]);
  });
});

describe('rebalance planner: drain', () => {
  const fleet = demoLikeFleet({ shardIds: ['shard-1', 'shard-2', 'shard-3'], placement: [0.4, 0.3, 0.3] });
  const unpinned = fleet.tenants.map((entry) => ({ ...entry, pinned: false }));

  it('empties the shard, spreading its tenants so the others stay balanced', () => {
    const plan = planRebalance(unpinned, fleet.shards, request({ mode: 'drain', shardId: 'shard-2', dimension: 'mixed' }));
    const onShard = unpinned.filter((entry) => entry.shardId === 'shard-2');
    expect(plan.moves).toHaveLength(onShard.length);
    expect(plan.moves.every((move) => move.from === 'shard-2' && move.to !== 'shard-2')).toBe(true);
    expect(plan.after.find((entry) => entry.shardId === 'shard-2')).toMatchObject({ tenants: 0, bytes: 0, status: 'draining' });
    expect(plan.withinThreshold).toBe(true);
    const others = plan.after.filter((entry) => entry.shardId !== 'shard-2');
    expect(Math.max(...others.map((entry) => entry.ratioToMean!))).toBeLessThan(1.1);
    expect(plan.moves[0].reason).toMatch(/^Draining shard-2: .+ goes to shard-\d, the lightest shard that can take it/);
    expect(plan.notes[0]).toMatch(/^shard-2 is still active: this plan treats it as draining/);
  });

  it('leaves pinned tenants behind, names them, and does not call the shard empty', () => {
    const toPin = new Set(unpinned.filter((entry) => entry.shardId === 'shard-3').slice(0, 2).map((entry) => entry.tenantId));
    const tenants = unpinned.map((entry) => (toPin.has(entry.tenantId) ? { ...entry, pinned: true } : entry));
    const pinned = tenants.filter((entry) => entry.pinned);
    expect(pinned).toHaveLength(2);
    const shards = fleet.shards.map((entry) => (entry.shardId === 'shard-3' ? { ...entry, status: 'draining' as const } : entry));
    const plan = planRebalance(tenants, shards, request({ mode: 'drain', shardId: 'shard-3' }));
    for (const entry of pinned) expect(movedIds(plan)).not.toContain(entry.tenantId);
    expect(plan.after.find((entry) => entry.shardId === 'shard-3')!.tenants).toBe(pinned.length);
    expect(plan.withinThreshold).toBe(false);
    expect(plan.notes.join('\n')).toContain(`cannot leave shard-3, so it will not end empty: ${pinned[0].name} (pinned)`);
  });

  it('never sends a drained tenant to a stale or draining shard', () => {
    const shards = [shard('shard-1'), shard('shard-2', { stale: true }), shard('shard-3', { status: 'draining' }), shard('shard-4')];
    const tenants = [tenant('a', 'shard-1', 10), tenant('b', 'shard-1', 20), tenant('c', 'shard-2', 5), tenant('d', 'shard-4', 1)];
    const plan = planRebalance(tenants, shards, request({ mode: 'drain', shardId: 'shard-1' }));
    expect(plan.moves.map((move) => move.to)).toEqual(['shard-4', 'shard-4']);
    expect(plan.withinThreshold).toBe(true);
  });

  it('stops at the byte cap and says how much stays', () => {
    const plan = planRebalance(unpinned, fleet.shards, request({ mode: 'drain', shardId: 'shard-1', maxBytes: 10 * MiB }));
    expect(plan.totals.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(plan.withinThreshold).toBe(false);
    expect(plan.notes.some((note) => /^The byte cap of 10\.0 MiB stopped the drain: \d+ tenants \(.+\) stay on shard-1/.test(note))).toBe(true);
  });
});

describe('rebalance planner: fill', () => {
  const fleet = demoLikeFleet({ shardIds: ['shard-1', 'shard-2', 'shard-3'], placement: [0.4, 0.3, 0.3] });
  const shards = [...fleet.shards, shard('shard-4')];

  it('brings an empty shard up near the mean, taking from the heaviest shards', () => {
    const plan = planRebalance(fleet.tenants, shards, request({ mode: 'fill', shardId: 'shard-4', dimension: 'mixed' }));
    expect(ratios(plan, 'before')['shard-4']).toBe(0);
    expect(plan.moves.every((move) => move.to === 'shard-4')).toBe(true);
    expect(ratios(plan)['shard-4']).toBeGreaterThanOrEqual(0.9);
    expect(ratios(plan)['shard-4']).toBeLessThanOrEqual(1.1);
    expect(plan.withinThreshold).toBe(true);
    expect(plan.moves[0].reason).toMatch(/^Filling shard-4 \(100 % below the mean\); shard-\d is \d+ % above the mean: moving /);
    // Only shards above the mean give.
    for (const move of plan.moves) expect(ratios(plan, 'before')[move.from]).toBeGreaterThan(1);
  });

  it('refuses to fill a shard that may not receive', () => {
    for (const status of [{ status: 'draining' as const }, { status: 'retired' as const }, { stale: true }]) {
      const broken = [...fleet.shards, shard('shard-4', status)];
      expect(() => planRebalance(fleet.tenants, broken, request({ mode: 'fill', shardId: 'shard-4' }))).toThrow(PlanInputError);
    }
  });
});

describe('rebalance planner: bad input', () => {
  const { tenants, shards } = lopsided();
  const withRetired = [...shards, shard('shard-9', { status: 'retired' })];
  const cases: [string, Partial<PlanRequest>, string][] = [
    ['drain without a shard', { mode: 'drain', shardId: null }, 'shardId'],
    ['fill without a shard', { mode: 'fill', shardId: null }, 'shardId'],
    ['drain of an unknown shard', { mode: 'drain', shardId: 'shard-404' }, 'shardId'],
    ['drain of a retired shard', { mode: 'drain', shardId: 'shard-9' }, 'shardId'],
    ['threshold 0', { thresholdPct: 0 }, 'thresholdPct'],
    ['threshold 101', { thresholdPct: 101 }, 'thresholdPct'],
    ['threshold NaN', { thresholdPct: Number.NaN }, 'thresholdPct'],
    ['bytes weight above 1', { dimension: 'mixed', bytesWeight: 1.5 }, 'bytesWeight'],
    ['bytes weight below 0', { bytesWeight: -0.1 }, 'bytesWeight'],
    ['negative byte cap', { maxBytes: -1 }, 'maxBytes'],
    ['unknown dimension', { dimension: 'cpu' as PlanRequest['dimension'] }, 'dimension'],
    ['unknown mode', { mode: 'shuffle' as PlanRequest['mode'] }, 'mode'],
  ];
  for (const [label, overrides, field] of cases) {
    it(`rejects ${label}, naming ${field}`, () => {
      let thrown: unknown;
      try {
        planRebalance(tenants, withRetired, request(overrides));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PlanInputError);
      expect((thrown as PlanInputError).field).toBe(field);
    });
  }

  it('accepts the edges of every range', () => {
    expect(() => planRebalance(tenants, shards, request({ thresholdPct: 1, bytesWeight: 0, maxBytes: 0 }))).not.toThrow();
    expect(() => planRebalance(tenants, shards, request({ thresholdPct: 100, bytesWeight: 1, dimension: 'mixed' }))).not.toThrow();
  });
});

describe('rebalance planner: large fleets (heaviest-first windows)', () => {
  const fleet = demoLikeFleet({ count: 6_000, shardIds: ['shard-1', 'shard-2', 'shard-3', 'shard-4'], placement: [0.7, 0.1, 0.1, 0.1] });
  const plan = planRebalance(fleet.tenants, fleet.shards, request({ dimension: 'mixed' }));

  it('brings a 6,000-tenant 70/10/10/10 fleet within the threshold without moving a pinned tenant', () => {
    expect(plan.skewBefore).toBeGreaterThan(2);
    expect(plan.withinThreshold).toBe(true);
    const pinned = new Set(fleet.tenants.filter((candidate) => candidate.pinned).map((candidate) => candidate.tenantId));
    expect(pinned.size).toBeGreaterThan(0);
    expect(plan.moves.filter((move) => pinned.has(move.tenantId))).toEqual([]);
    expect(new Set(plan.moves.map((move) => move.tenantId)).size).toBe(plan.moves.length);
  });

  it('gives the same plan for the same fleet in another order', () => {
    const again = planRebalance(shuffled(fleet.tenants, mulberry32(7)), [...fleet.shards].reverse(), request({ dimension: 'mixed' }));
    expect(again.moves).toEqual(plan.moves);
  });
});
