import { describe, expect, it } from 'vitest';
import { PlanInputError } from '@/lib/rebalance/plan-errors';
import { assertPlaceableShard, PLACEMENT_RULE, placeNewTenant } from '@/lib/rebalance/placement';
import type { ShardTotals } from '@/lib/rebalance/rebalance-model';
import { summarizeShards } from '@/lib/rebalance/weights';
import { shard, tenant } from './fixtures/rebalance/builders';

function totals(shardId: string, weight: number, overrides: Partial<ShardTotals> = {}): ShardTotals {
  return { shardId, status: 'active', tenants: 10, bytes: weight, load: weight, weight, ratioToMean: null, stale: false, ...overrides };
}

function fieldOf(run: () => unknown): string | null {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanInputError) return error.field;
    throw error;
  }
  return null;
}

describe('placement of new tenants', () => {
  it('chooses the lighter active shard by the dimension', () => {
    const fleet = summarizeShards(
      [tenant('a', 'shard-1', 70, { load: 10 }), tenant('b', 'shard-2', 30, { load: 90 })],
      [shard('shard-1'), shard('shard-2')],
      'bytes',
    );
    const decision = placeNewTenant(fleet, 'bytes');
    expect(decision).toMatchObject({ shardId: 'shard-2', chosenBy: 'rule', dimension: 'bytes' });
    expect(decision.reason).toBe('shard-2 carries the least bytes of the active shards (40 % below the mean).');
    const byLoad = summarizeShards(
      [tenant('a', 'shard-1', 70, { load: 10 }), tenant('b', 'shard-2', 30, { load: 90 })],
      [shard('shard-1'), shard('shard-2')],
      'load',
    );
    expect(placeNewTenant(byLoad, 'load').shardId).toBe('shard-1');
  });

  it('never places on a draining, retired or stale shard, however light', () => {
    const fleet = [
      totals('shard-1', 0, { status: 'draining' }),
      totals('shard-2', 0, { status: 'retired' }),
      totals('shard-3', 0, { stale: true }),
      totals('shard-4', 900),
    ];
    expect(placeNewTenant(fleet, 'mixed')).toMatchObject({ shardId: 'shard-4', reason: expect.stringMatching(/^shard-4 is the only active shard/) });
  });

  it('breaks ties on fewer tenants, then on shard id, whatever the input order', () => {
    const tied = [totals('shard-3', 5, { tenants: 4 }), totals('shard-2', 5, { tenants: 3 }), totals('shard-1', 5, { tenants: 3 })];
    expect(placeNewTenant(tied, 'bytes').shardId).toBe('shard-1');
    expect(placeNewTenant([...tied].reverse(), 'bytes').shardId).toBe('shard-1');
    expect(placeNewTenant([totals('shard-9', 5, { tenants: 1 }), totals('shard-1', 5, { tenants: 2 })], 'bytes').shardId).toBe('shard-9');
    // Float noise in the mixed score is a tie, not a difference.
    expect(placeNewTenant([totals('shard-2', 0.1 + 0.2, { tenants: 1 }), totals('shard-1', 0.3, { tenants: 1 })], 'mixed').shardId).toBe('shard-1');
  });

  it('throws PlanInputError on shardId when no shard can take a tenant', () => {
    expect(fieldOf(() => placeNewTenant([totals('shard-1', 1, { status: 'draining' })], 'mixed'))).toBe('shardId');
    expect(fieldOf(() => placeNewTenant([], 'mixed'))).toBe('shardId');
  });

  it('checks a shard the caller names: unknown, draining, retired and stale are refused', () => {
    const fleet = [
      totals('shard-1', 1),
      totals('shard-2', 1, { status: 'draining' }),
      totals('shard-3', 1, { status: 'retired' }),
      totals('shard-4', 1, { stale: true }),
    ];
    expect(fieldOf(() => assertPlaceableShard(fleet, 'shard-1'))).toBeNull();
    for (const shardId of ['shard-404', 'shard-2', 'shard-3', 'shard-4']) expect(fieldOf(() => assertPlaceableShard(fleet, shardId)), shardId).toBe('shardId');
    expect(() => assertPlaceableShard(fleet, 'shard-2')).toThrow('shard-2 is draining: it gives tenants away and takes no new ones');
  });

  it('states the rule in words for the balance page', () => {
    expect(PLACEMENT_RULE).toMatch(/least weight/);
    expect(PLACEMENT_RULE).toMatch(/Draining and retired shards never receive/);
  });
});
