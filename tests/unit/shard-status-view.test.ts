import { describe, expect, it } from 'vitest';
import { shardStatusAction } from '@/components/balance/shard-status-view';

describe('shard status toggle', () => {
  it('offers to drain an active shard, saying what that does', () => {
    const action = shardStatusAction({ shardId: 'shard-2', name: 'Shard 2', status: 'active' });
    expect(action?.next).toBe('draining');
    expect(action?.label).toBe('Mark draining');
    expect(action?.confirm).toMatch(/^Mark Shard 2 draining\? New tenants stop landing on it/);
  });

  it('offers to make a draining shard active again', () => {
    expect(shardStatusAction({ shardId: 'shard-2', name: '', status: 'draining' })).toEqual(expect.objectContaining({ next: 'active', label: 'Mark active' }));
  });

  it('leaves a retired shard to the fleet file', () => {
    expect(shardStatusAction({ shardId: 'shard-3', name: 'Shard 3', status: 'retired' })).toBeNull();
  });
});
