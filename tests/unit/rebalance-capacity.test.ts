import { describe, expect, it } from 'vitest';
import { bigTenants, capacityNotes, daysToLimit, fleetAdvice, ladderShards, type CapacityInput } from '@/lib/rebalance/capacity';
import { summarizeShards } from '@/lib/rebalance/weights';
import { shard, tenant } from './fixtures/rebalance/builders';

const GiB = 1024 ** 3;

function input(overrides: Partial<CapacityInput> = {}): CapacityInput {
  return {
    shardId: 'shard-1',
    bytesNow: 100 * GiB,
    bytesPerDay: 1.2 * GiB,
    capacityBytes: 150 * GiB,
    connectionsUsed: 38,
    connectionsMax: 100,
    connectionsPerDay: null,
    ...overrides,
  };
}

describe('capacity notes per shard', () => {
  it('computes days to the limit as (limit − now) / rate, null without a positive rate', () => {
    expect(daysToLimit(100, 150, 2)).toBe(25);
    expect(daysToLimit(160, 150, 2)).toBe(0);
    expect(daysToLimit(100, 150, 0)).toBeNull();
    expect(daysToLimit(100, 150, -3)).toBeNull();
    expect(daysToLimit(100, 150, null)).toBeNull();
    expect(daysToLimit(null, 150, 2)).toBeNull();
    expect(daysToLimit(100, null, 2)).toBeNull();
  });

  it('tells when storage fills at the sampled rate and that connections are fine', () => {
    const [note] = capacityNotes([input()]);
    expect(note.daysToStorageLimit).toBeCloseTo(41.67, 2);
    expect(note.daysToConnectionLimit).toBeNull();
    expect(note.text).toBe('storage full in ~42 days at +1.2 GiB/day (67 % used); connections fine (38/100)');
  });

  it('says what cannot be measured instead of guessing', () => {
    const notes = capacityNotes([
      input({ shardId: 'shard-a', bytesPerDay: null }),
      input({ shardId: 'shard-b', capacityBytes: null }),
      input({ shardId: 'shard-c', bytesNow: null, connectionsUsed: null }),
      input({ shardId: 'shard-d', bytesPerDay: -1 * GiB }),
    ]);
    expect(notes.map((note) => note.text)).toEqual([
      'storage 67 % used, growth not measured yet; connections fine (38/100)',
      'storage 100.0 GiB used, limit unknown; connections fine (38/100)',
      'storage not measured; connections not measured',
      'storage fine (67 % used, not growing); connections fine (38/100)',
    ]);
    expect(notes.every((note) => note.daysToStorageLimit === null)).toBe(true);
  });

  it('calls a limit over a year away fine, a reached one full, and busy connections busy', () => {
    const [far, full, busy, rising] = capacityNotes([
      input({ shardId: 'shard-1', bytesPerDay: 0.01 * GiB }),
      input({ shardId: 'shard-2', bytesNow: 150 * GiB }),
      input({ shardId: 'shard-3', connectionsUsed: 85 }),
      input({ shardId: 'shard-4', connectionsUsed: 90, connectionsPerDay: 2 }),
    ]);
    expect(far.text).toBe('storage fine (67 % used; over a year to full at +10.2 MiB/day); connections fine (38/100)');
    expect(full.text).toMatch(/^storage full \(150\.0 GiB of 150\.0 GiB\)/);
    expect(full.daysToStorageLimit).toBe(0);
    expect(busy.text).toMatch(/connections busy \(85\/100, over the 70 % target\)$/);
    expect(rising.daysToConnectionLimit).toBe(5);
    expect(rising.text).toMatch(/connections reach the limit in ~5 days at \+2\/day \(90\/100\)$/);
  });

  it('lists shards in id order', () => {
    expect(capacityNotes([input({ shardId: 'shard-2' }), input({ shardId: 'shard-1' })]).map((note) => note.shardId)).toEqual(['shard-1', 'shard-2']);
  });
});

describe('fleet advice from the shard ladder', () => {
  it('follows the ladder: one database to ~1k, 4 shards to 10k, 16 to 100k, 64+ beyond', () => {
    expect([900, 1_000, 1_001, 5_000, 10_000, 50_000, 100_000, 200_000, 1_000_000].map(ladderShards)).toEqual([1, 1, 4, 4, 4, 16, 16, 64, 160]);
  });

  it('at 900 tenants on one database: fine, but the 4-shard step is near', () => {
    const advice = fleetAdvice({ tenants: 900, activeShards: 1 });
    expect(advice[0]).toBe('900 tenants on 1 active shard: enough shards by the shard ladder, which asks for 1 shard at this count.');
    expect(advice[1]).toMatch(/^At 90 % of 1k tenants, where the ladder moves to 4 shards: plan the next shards now/);
    expect(fleetAdvice({ tenants: 900, activeShards: 4 })).toHaveLength(2);
  });

  it('at 5,000 tenants on 2 shards: asks for 2 more', () => {
    expect(fleetAdvice({ tenants: 5_000, activeShards: 2 })[0]).toMatch(/^5k tenants on 2 active shards: the shard ladder asks for 4 at this count .*Plan 2 more shards, then fill them/);
    expect(fleetAdvice({ tenants: 5_000, activeShards: 4 })[0]).toMatch(/enough shards by the shard ladder/);
  });

  it('at 50,000 tenants: 4 shards are too few, 16 are right', () => {
    expect(fleetAdvice({ tenants: 50_000, activeShards: 4 })[0]).toMatch(/asks for 16 .*Plan 12 more shards/);
    const sixteen = fleetAdvice({ tenants: 50_000, activeShards: 16 });
    expect(sixteen[0]).toMatch(/enough shards by the shard ladder, which asks for 16 shards/);
    expect(sixteen).toHaveLength(2);
  });

  it('at 200,000 tenants: 64 shards at least', () => {
    expect(fleetAdvice({ tenants: 200_000, activeShards: 16 })[0]).toMatch(/asks for 64 .*Plan 48 more shards/);
    expect(fleetAdvice({ tenants: 200_000, activeShards: 64 })[0]).toMatch(/enough shards by the shard ladder, which asks for 64 shards/);
  });

  it('always says the ladder counts tenants only, and flags a fleet without an active shard', () => {
    for (const advice of [fleetAdvice({ tenants: 10, activeShards: 1 }), fleetAdvice({ tenants: 10, activeShards: 0 })]) {
      expect(advice.at(-1)).toMatch(/^The ladder counts tenants only/);
    }
    expect(fleetAdvice({ tenants: 10, activeShards: 0 })[0]).toMatch(/no shard can take new tenants/);
  });
});

describe('big tenants', () => {
  const shards = [shard('shard-1'), shard('shard-2')];

  it('advises a shard of its own for a tenant holding half an average shard, a schema for a big shared one', () => {
    const tenants = [
      tenant('whale', 'shard-1', 60, { load: 5, name: 'whale-co' }),
      tenant('big', 'shard-2', 20, { load: 5, name: 'big-co' }),
      tenant('big-schema', 'shard-2', 20, { load: 5 }),
      ...Array.from({ length: 20 }, (_, index) => tenant(`small-${index}`, index % 2 === 0 ? 'shard-1' : 'shard-2', 5, { load: 5 })),
    ].map((entry) => ({ ...entry, layout: entry.tenantId === 'big-schema' ? ('schema' as const) : ('shared' as const) }));
    const found = bigTenants(tenants, summarizeShards(tenants, shards, 'bytes'));
    expect(found.map((entry) => entry.tenantId)).toEqual(['whale', 'big']);
    expect(found[0].advice).toMatch(/^Holds 60 % of an average shard's bytes: big enough for a shard of its own/);
    expect(found[1].advice).toMatch(/^Holds 22 % of shard-2's bytes in the shared tables: give it a schema of its own/);
  });

  it('lists at most ten, biggest first, and none when nothing stands out', () => {
    // Four shards, each with three tenants of about a quarter of it: twelve candidates for a schema of their own.
    const fourShards = ['shard-1', 'shard-2', 'shard-3', 'shard-4'].map((shardId) => shard(shardId));
    const many = Array.from({ length: 16 }, (_, index) => ({
      ...tenant(`t-${String(index).padStart(2, '0')}`, fourShards[index % 4].shardId, index < 12 ? 25 + index / 10 : 25),
      layout: 'shared' as const,
    }));
    const found = bigTenants(many, summarizeShards(many, fourShards, 'bytes'));
    expect(found).toHaveLength(10);
    expect(found[0].tenantId).toBe('t-11');
    expect(found.map((entry) => entry.tenantId)).not.toContain('t-00');
    const even = Array.from({ length: 40 }, (_, index) => ({ ...tenant(`e-${index}`, index % 2 ? 'shard-1' : 'shard-2', 10), layout: 'shared' as const }));
    expect(bigTenants(even, summarizeShards(even, shards, 'bytes'))).toEqual([]);
  });
});
