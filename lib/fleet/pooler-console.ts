import pg from 'pg';
import { getFleetEnv } from '@/lib/env';

/**
 * PgBouncer's admin console speaks only the simple query protocol: plain
 * strings, no parameters, one statement per call. It closes the connection on a
 * command it refuses, so the client always has an error listener. One short-lived
 * connection per probe: the console has no use for pooling these.
 */
export async function queryPoolerConsole(adminUrl: string, commands: readonly string[]): Promise<Record<string, unknown>[][]> {
  const timeoutMs = getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const results: Record<string, unknown>[][] = [];
    for (const command of commands) results.push((await client.query(command)).rows);
    return results;
  } finally {
    client.end().catch(() => {});
  }
}
