import path from 'node:path';
import { getFleetEnv } from '@/lib/env';
import { readFleetFile, type FleetFile, type NodeConfig, type ShardConfig } from './fleet-file';

let cached: FleetFile | undefined;

/** The fleet as the fleet file describes it; read once per process. */
export function getFleet(): FleetFile {
  cached ??= readFleetFile(path.resolve(getFleetEnv().SHARDSCOPE_FLEET_FILE));
  return cached;
}

export function findShard(shardId: string): ShardConfig | undefined {
  return getFleet().shards.find((shard) => shard.id === shardId);
}

export function findNode(shardId: string, nodeId: string): NodeConfig | undefined {
  return findShard(shardId)?.nodes.find((node) => node.id === nodeId);
}

export function primaryOf(shard: ShardConfig): NodeConfig {
  // The fleet-file schema guarantees exactly one primary per shard.
  return shard.nodes.find((node) => node.role === 'primary')!;
}
