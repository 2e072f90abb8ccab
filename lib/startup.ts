import { ensureUsersSeededFromEnv } from '@/lib/auth/env-users';
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

/**
 * Creates the env's first users. Never stops the start: with the control DB
 * down, signed-in people keep read access, and the first sign-in retries.
 */
export async function seedFirstUsers(): Promise<void> {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'local') return;
  try {
    const changed = await ensureUsersSeededFromEnv();
    if (changed.length > 0) console.log(`[shardscope] users from env: ${changed.join(', ')} (created or password changed)`);
  } catch (error) {
    console.warn(`[shardscope] users from env not seeded yet (retried at the first sign-in): ${(error as Error).message}`);
  }
}
