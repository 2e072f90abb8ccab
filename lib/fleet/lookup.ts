import { ApiError } from '@/lib/api/errors';
import type { NodeConfig, ShardConfig } from './fleet-file';
import { findShard } from './topology';

/** The shard named in a request, or a 404 naming the field. */
export function requireShard(shardId: string): ShardConfig {
  const shard = findShard(shardId);
  if (!shard) throw new ApiError('not_found', `no shard "${shardId}" in the fleet`, 'shardId');
  return shard;
}

/** A node of that shard, or a 404 naming the field (a node of another shard is not found here). */
export function requireNode(shard: ShardConfig, nodeId: string): NodeConfig {
  const node = shard.nodes.find((candidate) => candidate.id === nodeId);
  if (!node) throw new ApiError('not_found', `no node "${nodeId}" in shard ${shard.id}`, 'nodeId');
  return node;
}
