import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { queryPoolerConsole } from '@/lib/fleet/pooler-console';
import { PGBOUNCER_CONFIG_COMMAND, PGBOUNCER_DATABASES_COMMAND, PGBOUNCER_POOLS_COMMAND } from './pools';
import { applicationPools, configEssentials, poolSizesByDatabase } from './pools-model';
import type { PgBouncerPool } from './pools-types';

/**
 * The worker's per-shard PgBouncer reading: SHOW POOLS for the figures, SHOW
 * CONFIG and SHOW DATABASES for each pool's size (utilisation = active
 * servers / pool size). Healthy: no client waiting, utilisation under 80 %.
 * Three plain statements on one short-lived admin-console connection.
 */
const POOLER_SAMPLE_COMMANDS = [PGBOUNCER_POOLS_COMMAND, PGBOUNCER_CONFIG_COMMAND, PGBOUNCER_DATABASES_COMMAND] as const;

export type PoolerSampleResult =
  | { configured: false }
  | { configured: true; up: true; measuredAt: Date; pools: PgBouncerPool[] }
  | { configured: true; up: false; error: string };

/** Never throws: a PgBouncer that does not answer is down, with the reason. */
export async function readPoolerSample(shard: ShardConfig): Promise<PoolerSampleResult> {
  if (!shard.pooler) return { configured: false };
  try {
    const [pools, config, databases] = await queryPoolerConsole(shard.pooler.adminUrl, POOLER_SAMPLE_COMMANDS);
    const essentials = configEssentials(config);
    return {
      configured: true,
      up: true,
      measuredAt: new Date(),
      pools: applicationPools(pools, poolSizesByDatabase(databases, essentials.defaultPoolSize), essentials),
    };
  } catch (error) {
    return { configured: true, up: false, error: describeNodeError(error) };
  }
}
