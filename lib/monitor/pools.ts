import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { CONNECTIONS_PER_NODE, consolePoolStats, describeNodeError } from '@/lib/fleet/node-pools';
import { queryPoolerConsole } from '@/lib/fleet/pooler-console';
import { SharedFlight } from '@/lib/fleet/shared-flight';
import { assemblePgBouncerView } from './pools-model';
import type { ConsolePoolStats, PgBouncerView, ShardPools } from './pools-types';

/**
 * The shard page's Pools panel: PgBouncer's admin console (one connection per
 * probe, commands in sequence: it takes one plain statement at a time) and the
 * console's own per-node pg pools, so operators can rule Shardscope out.
 */

/** Which PgBouncer answers. Healthy: it answers at all, within the node timeout. */
export const PGBOUNCER_VERSION_COMMAND = 'SHOW VERSION';

/**
 * Per (database, user) pool: cl_active, cl_waiting, sv_active, sv_idle,
 * sv_used, maxwait + maxwait_us, pool_mode. Healthy: cl_waiting 0 and maxwait
 * 0. Waiting clients with every server active (utilisation 1) = the pool is too
 * small for the load, or its servers are held by long transactions.
 */
export const PGBOUNCER_POOLS_COMMAND = 'SHOW POOLS';

/**
 * Per-database traffic: total_* since PgBouncer started, avg_* over the last
 * stats_period (counts per second; times in microseconds). Healthy:
 * avg_wait_time near 0; avg_query_time / avg_xact_time steady for the app.
 */
export const PGBOUNCER_STATS_COMMAND = 'SHOW STATS';

/**
 * One row per client connection: state (active | waiting | *_cancel_req),
 * application_name, wait + wait_us. Healthy: nobody 'waiting' for long; the
 * total well under max_client_conn (past it, new clients are refused).
 */
export const PGBOUNCER_CLIENTS_COMMAND = 'SHOW CLIENTS';

/**
 * One row per server connection: state (active | idle | used | tested | new
 * | active_cancel | being_canceled). Healthy: idle servers present, few in
 * 'new' (logins) or 'tested'; never more per database than its pool allows.
 */
export const PGBOUNCER_SERVERS_COMMAND = 'SHOW SERVERS';

/**
 * Settings as key / value / default / changeable: pool_mode,
 * default_pool_size, max_client_conn, reserve_pool_size, max_db_connections.
 * Healthy: default_pool_size × pools within the server's max_connections.
 */
export const PGBOUNCER_CONFIG_COMMAND = 'SHOW CONFIG';

/**
 * One row per [databases] entry; pool_size is that database's effective pool
 * size, which utilisation is measured against. Healthy: paused 0, disabled 0.
 */
export const PGBOUNCER_DATABASES_COMMAND = 'SHOW DATABASES';

const PGBOUNCER_COMMANDS = [
  PGBOUNCER_VERSION_COMMAND,
  PGBOUNCER_POOLS_COMMAND,
  PGBOUNCER_STATS_COMMAND,
  PGBOUNCER_CLIENTS_COMMAND,
  PGBOUNCER_SERVERS_COMMAND,
  PGBOUNCER_CONFIG_COMMAND,
  PGBOUNCER_DATABASES_COMMAND,
] as const;

/**
 * One PgBouncer read serves every request within this window: the panel polls
 * every 5 s, and waiting clients must look live, not a minute old.
 */
export const SHARD_POOLS_TTL_MS = 1000;

const poolsFlight = new SharedFlight<ShardPools>('shard-pools', SHARD_POOLS_TTL_MS);

/** Never throws: an unreachable PgBouncer is reported down with the reason. */
export async function probePgBouncer(shard: ShardConfig): Promise<PgBouncerView> {
  if (!shard.pooler) return { configured: false };
  try {
    const [version, pools, stats, clients, servers, config, databases] = await queryPoolerConsole(shard.pooler.adminUrl, PGBOUNCER_COMMANDS);
    return assemblePgBouncerView({ version, pools, stats, clients, servers, config, databases });
  } catch (error) {
    return { configured: true, up: false, error: describeNodeError(error) };
  }
}

/** The console's pool to one node; null figures mean the console has not talked to it yet. */
export function consolePoolOf(node: NodeConfig): ConsolePoolStats {
  const stats = consolePoolStats(node);
  return { nodeId: node.id, total: stats?.total ?? null, idle: stats?.idle ?? null, waiting: stats?.waiting ?? null, max: CONNECTIONS_PER_NODE };
}

/** One uncoalesced read of the shard's PgBouncer and the console's pools. */
export async function collectShardPools(shard: ShardConfig): Promise<ShardPools> {
  const pgbouncer = await probePgBouncer(shard);
  return {
    shardId: shard.id,
    generatedAt: new Date().toISOString(),
    pgbouncer,
    console: shard.nodes.map(consolePoolOf),
  };
}

/**
 * The shard's pools: the PgBouncer read coalesced per shard across web instances;
 * the console pools always this instance's own (the read that filled the shared
 * copy may have run in another instance), read from memory on every call.
 */
export async function getShardPools(shard: ShardConfig): Promise<ShardPools> {
  const shared = await poolsFlight.run(shard.id, () => collectShardPools(shard));
  return { ...shared, console: shard.nodes.map(consolePoolOf) };
}
