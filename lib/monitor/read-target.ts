import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { parseNodeAddress } from '@/lib/fleet/node-address';
import { chooseReadTarget, readTargetCandidates } from './replication-model';
import { getShardReplication } from './replication';
import type { ReadTarget } from './replication-types';

/**
 * Where a shard's reads should go now. Built on the coalesced replication
 * snapshot, so asking costs the fleet nothing beyond the Replication panel,
 * and the answer always agrees with what that panel shows.
 */
export async function getReadTarget(shard: ShardConfig): Promise<ReadTarget> {
  const replication = await getShardReplication(shard);
  const candidates = readTargetCandidates(replication.replicas);
  const choice = chooseReadTarget({
    primaryNodeId: replication.primary.nodeId,
    primaryUp: replication.primary.up,
    candidates,
    thresholdSeconds: replication.lagThresholdSeconds,
  });
  // The fleet-file schema guarantees the chosen id is a node of this shard.
  const node = shard.nodes.find((candidate) => candidate.id === choice.nodeId)!;
  return {
    shardId: shard.id,
    target: { nodeId: node.id, role: choice.role, ...parseNodeAddress(node.url) },
    reason: choice.reason,
    lagThresholdSeconds: replication.lagThresholdSeconds,
    candidates,
  };
}
