import { describe, expect, it } from 'vitest';
import { COPY_TIME_UNMEASURED, planSummary, toPlanBars } from '@/components/balance/plan-result-view';
import type { Plan, ShardTotals } from '@/lib/rebalance/rebalance-model';

const MiB = 1024 ** 2;

function totals(shardId: string, weight: number, ratioToMean: number | null, overrides: Partial<ShardTotals> = {}): ShardTotals {
  return { shardId, status: 'active', tenants: 10, bytes: weight, load: 0, weight, ratioToMean, stale: false, ...overrides };
}

function balancePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    request: { mode: 'balance', dimension: 'bytes', thresholdPct: 10, maxBytes: null, shardId: null },
    moves: [
      { tenantId: 't1', name: 'acme', from: 'shard-1', to: 'shard-2', bytes: 150 * MiB, load: 0, reason: 'shard-1 is 40 % above the mean' },
      { tenantId: 't2', name: 'blue', from: 'shard-1', to: 'shard-2', bytes: 50 * MiB, load: 0, reason: 'shard-1 is 10 % above the mean' },
    ],
    before: [totals('shard-1', 700 * MiB, 1.4, { tenants: 17 }), totals('shard-2', 300 * MiB, 0.6, { tenants: 7 })],
    after: [totals('shard-1', 500 * MiB, 1, { tenants: 15 }), totals('shard-2', 500 * MiB, 1, { tenants: 9 })],
    totals: { tenants: 2, bytes: 200 * MiB, load: 0 },
    skewBefore: 1.4,
    skewAfter: 1,
    withinThreshold: true,
    notes: [],
    ...overrides,
  };
}

describe('plan before/after bars', () => {
  it('pairs each shard before and after, with the band around the mean after the plan', () => {
    const bars = toPlanBars(balancePlan());
    expect(bars.mean).toBe(500 * MiB);
    expect(bars.bandLow).toBeCloseTo(450 * MiB);
    expect(bars.bandHigh).toBeCloseTo(550 * MiB);
    expect(bars.rows).toEqual([
      expect.objectContaining({ shardId: 'shard-1', before: 700 * MiB, after: 500 * MiB, afterState: 'within', tenantsBefore: 17, tenantsAfter: 15 }),
      expect.objectContaining({ shardId: 'shard-2', before: 300 * MiB, after: 500 * MiB, afterState: 'within', tenantsBefore: 7, tenantsAfter: 9 }),
    ]);
  });

  it('shows a drained shard as ignored by the mean and the rest against it', () => {
    const plan = balancePlan({
      request: { mode: 'drain', dimension: 'bytes', thresholdPct: 10, maxBytes: null, shardId: 'shard-2' },
      before: [totals('shard-1', 700 * MiB, 1), totals('shard-2', 300 * MiB, null, { status: 'draining' })],
      after: [totals('shard-1', 1000 * MiB, 1), totals('shard-2', 0, null, { status: 'draining', tenants: 0 })],
    });
    const bars = toPlanBars(plan);
    expect(bars.mean).toBe(1000 * MiB);
    expect(bars.rows[1]).toEqual(expect.objectContaining({ shardId: 'shard-2', status: 'draining', after: 0, afterState: 'draining' }));
  });

  it('uses the planner ratios so a bar never disagrees with the verdict', () => {
    const plan = balancePlan({ after: [totals('shard-1', 600 * MiB, 1.2), totals('shard-2', 400 * MiB, 0.8)], withinThreshold: false });
    expect(toPlanBars(plan).rows.map((row) => row.afterState)).toEqual(['over', 'under']);
  });
});

describe('plan summary', () => {
  it('gives the totals an operator weighs, with copy time unmeasured until moves exist', () => {
    const summary = planSummary(balancePlan());
    expect(summary).toEqual({
      bytesToCopy: '200.0 MiB',
      tenantsToMove: '2 tenants',
      copyTime: COPY_TIME_UNMEASURED,
      skew: '1.40× → 1.00×',
      verdict: 'every active shard ends within ±10 % of the mean',
      verdictTone: 'ok',
    });
    expect(COPY_TIME_UNMEASURED).toBe('measured once moves exist');
  });

  it('says when there is nothing to move and when the goal is missed', () => {
    expect(planSummary(balancePlan({ moves: [], totals: { tenants: 0, bytes: 0, load: 0 } })).verdict).toMatch(/^nothing to move/);
    const missed = planSummary(balancePlan({ withinThreshold: false, totals: { tenants: 1, bytes: MiB, load: 0 } }));
    expect(missed.verdictTone).toBe('warn');
    expect(missed.tenantsToMove).toBe('1 tenant');
    expect(missed.verdict).toMatch(/stays outside ±10 %/);
  });

  it('judges a drain by whether the shard ends empty', () => {
    const drain = balancePlan({ request: { mode: 'drain', dimension: 'bytes', thresholdPct: 10, maxBytes: null, shardId: 'shard-2' } });
    expect(planSummary(drain).verdict).toBe('shard-2 ends empty');
    expect(planSummary({ ...drain, withinThreshold: false }).verdict).toBe('shard-2 does not end empty (see the notes)');
  });
});
