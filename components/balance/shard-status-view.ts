import type { ShardStatus } from '@/lib/rebalance/rebalance-model';

/**
 * What the admin's status button on a shard does and what its confirmation
 * says. Only active ⇄ draining is set here; "retired" comes from the fleet
 * file. Pure; unit-tested.
 */
export interface ShardStatusAction {
  next: 'active' | 'draining';
  label: string;
  confirm: string;
}

export function shardStatusAction(shard: { shardId: string; name: string; status: ShardStatus }): ShardStatusAction | null {
  const name = shard.name || shard.shardId;
  if (shard.status === 'active') {
    return {
      next: 'draining',
      label: 'Mark draining',
      confirm: `Mark ${name} draining? New tenants stop landing on it and plans only take tenants off it. Nothing moves until a plan runs.`,
    };
  }
  if (shard.status === 'draining') {
    return {
      next: 'active',
      label: 'Mark active',
      confirm: `Mark ${name} active again? New tenants may land on it and plans may move tenants to it.`,
    };
  }
  return null;
}
