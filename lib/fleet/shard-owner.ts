import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from './fleet-file';

export interface ShardOwnerOptions {
  statementTimeoutMs: number;
  lockTimeoutMs?: number;
  applicationName: string;
}

/**
 * One owner connection (the shard's adminUrl) to its primary for the length
 * of `work`: DDL, tenant schemas, fences and replication objects. Its own
 * client, not a pool's: these are rare, and a statement may outlive a page's.
 */
export async function withShardOwnerClient<T>(shard: ShardConfig, options: ShardOwnerOptions, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: shard.adminUrl,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs,
    ...(options.lockTimeoutMs !== undefined ? { lock_timeout: options.lockTimeoutMs } : {}),
    application_name: options.applicationName,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
