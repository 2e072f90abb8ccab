import { describe, expect, it } from 'vitest';
import { EMPTY_NEW_TENANT, newTenantFieldOf, placementShardChoices, placementText, readNewTenantDraft } from '@/components/balance/new-tenant-view';
import type { ShardStatus } from '@/lib/rebalance/rebalance-model';

const shards = [
  { shardId: 'shard-1', name: 'Shard 1', status: 'active' as ShardStatus, stale: false },
  { shardId: 'shard-2', name: 'Shard 2', status: 'draining' as ShardStatus, stale: false },
  { shardId: 'shard-3', name: 'Shard 3', status: 'active' as ShardStatus, stale: true },
];

describe('new tenant form', () => {
  it('lets the placement rule choose when no shard is named', () => {
    expect(readNewTenantDraft({ ...EMPTY_NEW_TENANT, name: '  Acme Labs ', tier: 'starter' }, shards)).toEqual({
      request: { name: 'Acme Labs', tier: 'starter', layout: 'shared' },
      errors: null,
    });
  });

  it('sends a named shard and the schema layout', () => {
    expect(readNewTenantDraft({ name: 'Acme', tier: 'enterprise', layout: 'schema', shardId: 'shard-1' }, shards).request).toEqual({
      name: 'Acme',
      tier: 'enterprise',
      layout: 'schema',
      shardId: 'shard-1',
    });
  });

  it('never offers a draining shard and refuses a blank name', () => {
    expect(placementShardChoices(shards)).toEqual([
      { shardId: 'shard-1', label: 'Shard 1' },
      { shardId: 'shard-3', label: 'Shard 3 · numbers stale' },
    ]);
    expect(readNewTenantDraft({ ...EMPTY_NEW_TENANT, name: 'x', shardId: 'shard-2' }, shards).errors).toEqual({ shardId: 'shard-2 is not an active shard' });
    expect(readNewTenantDraft({ ...EMPTY_NEW_TENANT, name: '   ' }, shards).errors).toEqual({ name: 'enter a name' });
  });

  it('says where the tenant went and why', () => {
    const placement = { shardId: 'shard-2', chosenBy: 'rule' as const, dimension: 'mixed' as const, reason: 'least loaded active shard (38 % of the mixed weight)' };
    expect(placementText({ name: 'Acme', shardId: 'shard-2', placement })).toBe(
      'Acme placed on shard-2 by the placement rule: least loaded active shard (38 % of the mixed weight)',
    );
    expect(placementText({ name: 'Acme', shardId: 'shard-1', placement: { ...placement, shardId: 'shard-1', chosenBy: 'requested', reason: '' } })).toBe(
      'Acme placed on shard-1 as requested.',
    );
  });

  it('maps a server error to the field it names', () => {
    expect(newTenantFieldOf('shardId')).toBe('shardId');
    expect(newTenantFieldOf('tier')).toBe('tier');
    expect(newTenantFieldOf('other')).toBeNull();
  });
});
