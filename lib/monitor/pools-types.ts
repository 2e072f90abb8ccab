/**
 * Shapes of the shard page's Pools panel (GET /api/shards/:shardId/pools). Types only.
 */

export interface PgBouncerPool {
  database: string;
  user: string;
  poolMode: string;
  clientsActive: number;
  clientsWaiting: number;
  serversActive: number;
  serversIdle: number;
  serversUsed: number;
  /** Longest current client wait, seconds (maxwait + maxwait_us). */
  maxWaitSeconds: number;
  /** Server connections in use / pool size (default_pool_size unless the database overrides it). */
  utilisation: number;
  poolSize: number;
}

export interface PgBouncerDatabaseStats {
  database: string;
  transactionsPerSecond: number;
  queriesPerSecond: number;
  /** Average query time, milliseconds. */
  avgQueryMs: number;
  /** Average time clients waited for a server, milliseconds. */
  avgWaitMs: number;
  avgTransactionMs: number;
  totalTransactions: number;
  totalQueries: number;
}

export interface PgBouncerConfigEssentials {
  poolMode: string;
  defaultPoolSize: number;
  maxClientConn: number;
  reservePoolSize: number;
  maxDbConnections: number;
}

export type PgBouncerView =
  | { configured: false }
  | { configured: true; up: false; error: string }
  | {
      configured: true;
      up: true;
      version: string;
      config: PgBouncerConfigEssentials;
      pools: PgBouncerPool[];
      stats: PgBouncerDatabaseStats[];
      /** All client connections vs max_client_conn. */
      clientConnections: number;
      clientsByState: { state: string; count: number }[];
      clientsByApplication: { applicationName: string; count: number }[];
      serverConnections: number;
      serversByState: { state: string; count: number }[];
    };

export interface ConsolePoolStats {
  nodeId: string;
  /** null until the console has talked to that node. */
  total: number | null;
  idle: number | null;
  waiting: number | null;
  max: number;
}

export interface ShardPools {
  shardId: string;
  generatedAt: string;
  pgbouncer: PgBouncerView;
  console: ConsolePoolStats[];
}
