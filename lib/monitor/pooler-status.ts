import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { queryPoolerConsole } from '@/lib/fleet/pooler-console';
import { PGBOUNCER_POOLS_COMMAND, PGBOUNCER_VERSION_COMMAND } from './pools';
import { ADMIN_DATABASE, toCount } from './pools-model';

/**
 * The fleet overview's one-line PgBouncer summary per shard: does it answer,
 * and is anyone waiting. The shard page's Pools panel (pools.ts) has the detail.
 */

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
  return rows.reduce((total, row) => total + toCount(row[column]), 0);
}

/** Never throws: an unreachable pooler is reported down with the reason. */
export async function probePooler(shard: ShardConfig): Promise<PoolerProbe> {
  if (!shard.pooler) return { configured: false };
  const started = performance.now();
  try {
    const [versionRows, poolRows] = await queryPoolerConsole(shard.pooler.adminUrl, [PGBOUNCER_VERSION_COMMAND, PGBOUNCER_POOLS_COMMAND]);
    const applicationPools = poolRows.filter((row) => row.database !== ADMIN_DATABASE);
    return {
      configured: true,
      up: true,
      latencyMs: Math.round(performance.now() - started),
      version: String(Object.values(versionRows[0] ?? {})[0] ?? 'unknown'),
      clientsActive: sumColumn(applicationPools, 'cl_active'),
      clientsWaiting: sumColumn(applicationPools, 'cl_waiting'),
      serversActive: sumColumn(applicationPools, 'sv_active'),
      serversIdle: sumColumn(applicationPools, 'sv_idle'),
      maxWaitSeconds: Math.max(0, ...applicationPools.map((row) => toCount(row.maxwait) + toCount(row.maxwait_us) / 1_000_000)),
    };
  } catch (error) {
    return { configured: true, up: false, latencyMs: Math.round(performance.now() - started), error: describeNodeError(error) };
  }
}
