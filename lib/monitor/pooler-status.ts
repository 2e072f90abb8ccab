import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { queryPoolerConsole } from '@/lib/fleet/pooler-console';

/** Answers at all: the cheapest admin-console command. */
export const POOLER_VERSION_COMMAND = 'SHOW VERSION';

/**
 * Per database/user pool: clients active and waiting for a server connection,
 * server connections in use. Healthy: cl_waiting 0 and maxwait 0; waiting
 * clients mean the pool is too small for the load (or a server is stuck).
 */
export const POOLER_POOLS_COMMAND = 'SHOW POOLS';

export type PoolerProbe =
  | { configured: false }
  | { configured: true; up: false; latencyMs: number; error: string }
  | {
      configured: true;
      up: true;
      latencyMs: number;
      version: string;
      clientsActive: number;
      clientsWaiting: number;
      serversActive: number;
      serversIdle: number;
      maxWaitSeconds: number;
    };

function sumColumn(rows: Record<string, unknown>[], column: string): number {
  return rows.reduce((total, row) => total + (Number(row[column]) || 0), 0);
}

/** Never throws: an unreachable pooler is reported down with the reason. */
export async function probePooler(shard: ShardConfig): Promise<PoolerProbe> {
  if (!shard.pooler) return { configured: false };
  const started = performance.now();
  try {
    const [versionRows, poolRows] = await queryPoolerConsole(shard.pooler.adminUrl, [POOLER_VERSION_COMMAND, POOLER_POOLS_COMMAND]);
    // The console's own "pgbouncer" pseudo-database is not an application pool.
    const applicationPools = poolRows.filter((row) => row.database !== 'pgbouncer');
    return {
      configured: true,
      up: true,
      latencyMs: Math.round(performance.now() - started),
      version: String(Object.values(versionRows[0] ?? {})[0] ?? 'unknown'),
      clientsActive: sumColumn(applicationPools, 'cl_active'),
      clientsWaiting: sumColumn(applicationPools, 'cl_waiting'),
      serversActive: sumColumn(applicationPools, 'sv_active'),
      serversIdle: sumColumn(applicationPools, 'sv_idle'),
      maxWaitSeconds: Math.max(0, ...applicationPools.map((row) => Number(row.maxwait) || 0)),
    };
  } catch (error) {
    return { configured: true, up: false, latencyMs: Math.round(performance.now() - started), error: describeNodeError(error) };
  }
}
