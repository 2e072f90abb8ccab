import { describe, expect, it } from 'vitest';
import { defaultPlannerDraft, plannerFieldOf, plannerShardChoices, readPlannerDraft, withoutFieldPrefix, type PlannerDraft } from '@/lib/rebalance/planner-form-view';
import type { ShardStatus } from '@/lib/rebalance/rebalance-model';

const shards = [
  { shardId: 'shard-1', name: 'Shard 1', status: 'active' as ShardStatus, stale: false, tenants: 17 },
  { shardId: 'shard-2', name: 'Shard 2', status: 'active' as ShardStatus, stale: true, tenants: 7 },
  { shardId: 'shard-3', name: 'Shard 3', status: 'draining' as ShardStatus, stale: false, tenants: 1 },
  { shardId: 'shard-4', name: 'Shard 4', status: 'retired' as ShardStatus, stale: false, tenants: 0 },
];

const draft = (patch: Partial<PlannerDraft> = {}): PlannerDraft => ({ ...defaultPlannerDraft('bytes', 10), ...patch });

describe('planner form', () => {
  it('sends the default balance request with optional fields left out', () => {
    expect(readPlannerDraft(draft(), shards, '24h')).toEqual({ body: { mode: 'balance', dimension: 'bytes', thresholdPct: 10, window: '24h' }, errors: null });
  });

  it('turns a byte cap in GiB into bytes and the mixed weight into a fraction', () => {
    const read = readPlannerDraft(draft({ dimension: 'mixed', bytesWeightPct: '70', maxAmount: '1.5', maxUnit: 'GiB' }), shards, '24h');
    expect(read.body).toEqual({ mode: 'balance', dimension: 'mixed', thresholdPct: 10, maxBytes: 1.5 * 1024 ** 3, bytesWeight: 0.7, window: '24h' });
  });

  it('refuses a threshold outside 1–100 % and a cap that is not an amount, naming the field', () => {
    expect(readPlannerDraft(draft({ thresholdPct: '0' }), shards, '24h').errors).toEqual({ thresholdPct: 'must be between 1 and 100 %' });
    expect(readPlannerDraft(draft({ thresholdPct: '101' }), shards, '24h').errors).toEqual({ thresholdPct: 'must be between 1 and 100 %' });
    expect(readPlannerDraft(draft({ thresholdPct: 'ten' }), shards, '24h').errors).toEqual({ thresholdPct: 'enter a percentage' });
    expect(readPlannerDraft(draft({ maxAmount: 'lots' }), shards, '24h').errors).toEqual({ maxBytes: 'enter an amount, or leave empty for no cap' });
    expect(readPlannerDraft(draft({ maxAmount: '0' }), shards, '24h').errors).toEqual({ maxBytes: 'must be above zero, or empty for no cap' });
  });

  it('needs a shard for drain and fill, and sends it', () => {
    expect(readPlannerDraft(draft({ mode: 'drain' }), shards, '24h').errors).toEqual({ shardId: 'choose the shard to drain' });
    expect(readPlannerDraft(draft({ mode: 'drain', shardId: 'shard-3' }), shards, '24h').body).toEqual({ mode: 'drain', dimension: 'bytes', thresholdPct: 10, shardId: 'shard-3', window: '24h' });
    expect(readPlannerDraft(draft({ mode: 'fill', shardId: 'shard-2' }), shards, '24h').errors).toEqual({ shardId: 'shard-2 cannot be filled' });
  });

  it('offers any non-retired shard to drain, and only fresh active shards to fill', () => {
    expect(plannerShardChoices('balance', shards)).toEqual([]);
    expect(plannerShardChoices('drain', shards).map((choice) => choice.shardId)).toEqual(['shard-1', 'shard-2', 'shard-3']);
    expect(plannerShardChoices('fill', shards).map((choice) => choice.shardId)).toEqual(['shard-1']);
    expect(plannerShardChoices('drain', shards)[2].label).toBe('Shard 3 · 1 tenant · draining');
  });

  it('puts a server error next to the field it names, or on the form', () => {
    expect(plannerFieldOf('thresholdPct')).toBe('thresholdPct');
    expect(plannerFieldOf('body.shardId')).toBe('shardId');
    expect(plannerFieldOf('window')).toBeNull();
    expect(plannerFieldOf(undefined)).toBeNull();
    expect(withoutFieldPrefix('thresholdPct: must be between 1 and 100', 'thresholdPct')).toBe('must be between 1 and 100');
    expect(withoutFieldPrefix('the shard is draining', 'shardId')).toBe('the shard is draining');
  });
});
