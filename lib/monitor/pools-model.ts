import type {
  PgBouncerConfigEssentials,
  PgBouncerDatabaseStats,
  PgBouncerPool,
  PgBouncerView,
} from './pools-types';

/**
 * Pure transforms of PgBouncer admin-console output (1.18 column names,
 * checked against the sandbox) into the Pools panel. No I/O: unit-tested with
 * fixtures shaped like real output. The console returns int4 columns as
 * numbers but SHOW STATS as numeric (strings through node-pg), so every
 * figure goes through toCount.
 */

export type ConsoleRow = Record<string, unknown>;

/** PgBouncer's own admin pseudo-database: its "pool" is the console itself, not application traffic. */
export const ADMIN_DATABASE = 'pgbouncer';

const MICROSECONDS_PER_MS = 1000;

export function toCount(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : 0;
}

function isApplicationRow(row: ConsoleRow): boolean {
  return row.database !== ADMIN_DATABASE;
}

/** SHOW CONFIG rows (key, value, default, changeable) → the settings that size pools. */
export function configEssentials(configRows: readonly ConsoleRow[]): PgBouncerConfigEssentials {
  const settings = new Map(configRows.map((row) => [String(row.key), row.value]));
  return {
    poolMode: String(settings.get('pool_mode') ?? 'session'),
    defaultPoolSize: toCount(settings.get('default_pool_size')),
    maxClientConn: toCount(settings.get('max_client_conn')),
    reservePoolSize: toCount(settings.get('reserve_pool_size')),
    maxDbConnections: toCount(settings.get('max_db_connections')),
  };
}

/**
 * SHOW DATABASES pool_size per database name. PgBouncer 1.18 prints the
 * effective size (default_pool_size unless the [databases] entry overrides
 * it); a negative or missing value falls back to the default all the same.
 */
export function poolSizesByDatabase(databaseRows: readonly ConsoleRow[], defaultPoolSize: number): Map<string, number> {
  return new Map(
    databaseRows.map((row) => {
      const size = row.pool_size == null ? -1 : toCount(row.pool_size);
      return [String(row.name), size >= 0 ? size : defaultPoolSize];
    }),
  );
}

/**
 * SHOW POOLS → application pools. Utilisation counts sv_active only: those
 * are linked to a client. sv_idle and sv_used (idle past server_check_delay,
 * awaiting a check query) are free capacity. Near 1 with cl_waiting > 0 means
 * the pool is too small for the load (or its servers are stuck in long
 * transactions); above 1 means the reserve pool is in use.
 */
export function applicationPools(
  poolRows: readonly ConsoleRow[],
  poolSizes: ReadonlyMap<string, number>,
  config: PgBouncerConfigEssentials,
): PgBouncerPool[] {
  return poolRows.filter(isApplicationRow).map((row) => {
    const database = String(row.database);
    const poolSize = poolSizes.get(database) ?? config.defaultPoolSize;
    const serversActive = toCount(row.sv_active);
    return {
      database,
      user: String(row.user),
      poolMode: String(row.pool_mode ?? config.poolMode),
      clientsActive: toCount(row.cl_active),
      clientsWaiting: toCount(row.cl_waiting),
      serversActive,
      serversIdle: toCount(row.sv_idle),
      serversUsed: toCount(row.sv_used),
      maxWaitSeconds: toCount(row.maxwait) + toCount(row.maxwait_us) / 1_000_000,
      utilisation: poolSize > 0 ? serversActive / poolSize : 0,
      poolSize,
    };
  });
}

/**
 * Average wait for a server, in ms per server assignment over the last
 * stats_period. PgBouncer 1.23+ (the versions with avg_server_assignment_count)
 * reports avg_wait_time that way already. Before that (1.18 included) it is
 * microseconds of client waiting per wall-clock second, summed over clients;
 * divided by transactions per second (one assignment per transaction in
 * transaction pooling) it becomes per transaction. avg_xact_count is an integer
 * there: under 1 transaction/s it reads 0, and dividing by 1 instead gives a
 * lower bound that still shows waiting happened, rather than hiding it.
 */
export function averageWaitMs(row: ConsoleRow): number {
  const waitMicroseconds = toCount(row.avg_wait_time);
  if ('avg_server_assignment_count' in row) return waitMicroseconds / MICROSECONDS_PER_MS;
  return waitMicroseconds / Math.max(1, toCount(row.avg_xact_count)) / MICROSECONDS_PER_MS;
}

/**
 * SHOW STATS → per-database traffic. avg_* are over the last stats_period
 * (60 s by default): counts per second, times in microseconds (here ms).
 * Healthy: avg wait near 0; query and transaction times as the app expects.
 */
export function databaseStats(statsRows: readonly ConsoleRow[]): PgBouncerDatabaseStats[] {
  return statsRows.filter(isApplicationRow).map((row) => ({
    database: String(row.database),
    transactionsPerSecond: toCount(row.avg_xact_count),
    queriesPerSecond: toCount(row.avg_query_count),
    avgQueryMs: toCount(row.avg_query_time) / MICROSECONDS_PER_MS,
    avgWaitMs: averageWaitMs(row),
    avgTransactionMs: toCount(row.avg_xact_time) / MICROSECONDS_PER_MS,
    totalTransactions: toCount(row.total_xact_count),
    totalQueries: toCount(row.total_query_count),
  }));
}

/** Counts rows by one column, largest group first (then by name, so the order is stable between polls). */
export function countBy(rows: readonly ConsoleRow[], column: string, emptyLabel: string): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = row[column] == null || row[column] === '' ? emptyLabel : String(row[column]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

export interface PgBouncerConsoleOutput {
  version: readonly ConsoleRow[];
  pools: readonly ConsoleRow[];
  stats: readonly ConsoleRow[];
  clients: readonly ConsoleRow[];
  servers: readonly ConsoleRow[];
  config: readonly ConsoleRow[];
  databases: readonly ConsoleRow[];
}

/** What a client that set no application_name is listed as. */
export const UNNAMED_APPLICATION = '(not set)';

/**
 * The whole PgBouncer view. clientConnections counts every client, admin
 * console sessions included, because max_client_conn counts them too; the
 * by-state and by-application breakdowns are of application clients only.
 */
export function assemblePgBouncerView(output: PgBouncerConsoleOutput): PgBouncerView {
  const config = configEssentials(output.config);
  const poolSizes = poolSizesByDatabase(output.databases, config.defaultPoolSize);
  const applicationClients = output.clients.filter(isApplicationRow);
  return {
    configured: true,
    up: true,
    version: String(Object.values(output.version[0] ?? {})[0] ?? 'unknown'),
    config,
    pools: applicationPools(output.pools, poolSizes, config),
    stats: databaseStats(output.stats),
    clientConnections: output.clients.length,
    clientsByState: countBy(applicationClients, 'state', 'unknown').map(({ key, count }) => ({ state: key, count })),
    clientsByApplication: countBy(applicationClients, 'application_name', UNNAMED_APPLICATION).map(({ key, count }) => ({
      applicationName: key,
      count,
    })),
    serverConnections: output.servers.length,
    serversByState: countBy(output.servers, 'state', 'unknown').map(({ key, count }) => ({ state: key, count })),
  };
}
