import { getEnv } from '@/lib/env';
import { getFleet } from '@/lib/fleet/topology';

/** Fails the server start, naming the bad field, when the env or the fleet file is wrong. */
export function validateStartupConfig(): void {
  try {
    getEnv();
    const fleet = getFleet();
    const nodeCount = fleet.shards.reduce((total, shard) => total + shard.nodes.length, 0);
    console.log(`[shardscope] fleet: ${fleet.shards.length} shards, ${nodeCount} nodes`);
  } catch (error) {
    console.error(`[shardscope] cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
