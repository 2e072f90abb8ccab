import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import { getFleet } from '@/lib/fleet/topology';

let pool: pg.Pool | undefined;

/** The control-plane pool (tenant directory, audit log), created on first use. */
export function getControlPool(): pg.Pool {
  if (!pool) {
    const timeoutMs = getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS;
    pool = new pg.Pool({
      connectionString: getFleet().control.url,
      max: 5,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs * 2,
      idleTimeoutMillis: 30_000,
      application_name: 'shardscope',
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
  }
  return pool;
}

/**
 * A dedicated control-DB connection for background work that may take longer
 * than a page's query timeout (hourly rollups, retention), with its own
 * server-side statement timeout instead.
 */
export async function withControlClient<T>(statementTimeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: getFleet().control.url,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    statement_timeout: statementTimeoutMs,
    application_name: 'shardscope-worker',
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `work` in one transaction on `client`: committed if it returns, rolled back if it throws. */
export async function inTransaction<C extends pg.ClientBase, T>(client: C, work: (client: C) => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}

/**
 * Runs `work` in one control-DB transaction on a pooled client: committed if
 * it returns, rolled back if it throws. A checked-out client has no pool
 * listener for 'error': a control DB that goes away while the transaction
 * awaits something else (a pg-boss insert) would emit it unhandled and end
 * the process. Here it marks the client broken: its next query fails, and it
 * is destroyed on release instead of going back to the pool.
 */
export async function withControlTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await getControlPool().connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await inTransaction(client, work);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
