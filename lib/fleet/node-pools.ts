import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import type { NodeConfig } from './fleet-file';

/**
 * One small pg pool per fleet node, created on first use. Every connection has
 * a connect timeout, a server-side statement timeout and a client-side query
 * timeout (the last one also covers a node that accepts TCP but never answers),
 * so a dead or hung node costs at most about SHARDSCOPE_NODE_TIMEOUT_MS.
 */

/** Monitoring needs few connections; the console must never crowd a node. */
export const CONNECTIONS_PER_NODE = 3;

/** Sessions the console opens carry this name, so it can recognise (and never kill) its own backends. */
export const CONSOLE_APPLICATION_NAME = 'shardscope';

const pools = new Map<string, pg.Pool>();

export function nodePool(node: NodeConfig): pg.Pool {
  let pool = pools.get(node.id);
  if (!pool) {
    const env = getFleetEnv();
    const timeoutMs = env.SHARDSCOPE_NODE_TIMEOUT_MS;
    pool = new pg.Pool({
      connectionString: node.url,
      max: CONNECTIONS_PER_NODE,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 250,
      // Kept across two sampling intervals, so the worker does not reconnect to every node each round.
      idleTimeoutMillis: Math.max(30_000, 2 * env.SHARDSCOPE_SAMPLE_INTERVAL_S * 1000 + 5000),
      application_name: CONSOLE_APPLICATION_NAME,
    });
    // A node restarting under an idle client must not crash the web process.
    pool.on('error', () => {});
    pools.set(node.id, pool);
  }
  return pool;
}

export async function queryNode<Row extends pg.QueryResultRow>(node: NodeConfig, sql: string, values: unknown[] = []): Promise<Row[]> {
  const result = await nodePool(node).query<Row>(sql, values);
  return result.rows;
}

/** Console-side pool pressure per node (total, idle, waiting), so operators can rule the console out. */
export function consolePoolStats(node: NodeConfig): { total: number; idle: number; waiting: number } | null {
  const pool = pools.get(node.id);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/** A short, operator-readable reason a node query failed (never a stack, never a password). */
export function describeNodeError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === '57014') return 'statement timeout';
  if (err.code === '57P03') return 'starting up or shutting down';
  if (err.code === '28P01' || err.code === '28000') return 'authentication failed';
  const message = err.message ?? 'unknown error';
  if (/timeout/i.test(message)) return 'timed out';
  if (/terminat|ECONNRESET|closed/i.test(message)) return 'connection lost';
  return message.replace(/postgres(ql)?:\/\/\S+/g, '<url>').slice(0, 160);
}
