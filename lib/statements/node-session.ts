import pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { getFleetEnv } from '@/lib/env';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME, describeNodeError } from '@/lib/fleet/node-pools';
import { getFleet } from '@/lib/fleet/topology';
import { formatSeconds } from '@/lib/format';

/**
 * A read-only session on one fleet node for work that runs an operator's
 * statement (EXPLAIN, hypothetical indexes): a dedicated connection, never a
 * pooled one, so whatever the work leaves behind (settings, hypothetical
 * indexes, prepared statements, advisory locks) dies with it.
 *
 * Inside: BEGIN READ ONLY, a statement timeout for the transaction, the work,
 * and always ROLLBACK. The connection's role (the fleet file's node url: a
 * monitoring role with pg_monitor and pg_read_all_data) can write nothing
 * either, so a statement that slips past the text check still cannot write.
 */

export interface NodeSessionOptions {
  /** Statement timeout for everything the work runs. */
  timeoutMs: number;
  /** What runs, for the timeout message ("EXPLAIN ANALYZE timed out after 10 s"); default "the statement". */
  activity?: string;
}

/** How long past the statement timeout the client waits for a node to answer at all before calling it hung. */
const HUNG_NODE_GRACE_MS = 2000;
/** Closing a healthy connection takes a round trip; past this the socket is dropped. */
const CLOSE_WAIT_MS = 1000;

/**
 * Ends the statement timeout with the transaction (SET LOCAL), bound as a
 * value: SET takes no parameters, set_config does.
 */
const SET_LOCAL_STATEMENT_TIMEOUT = `select set_config('statement_timeout', $1, true)`;

/** The node named in a request, wherever it is in the fleet, with its shard; a 404 naming nodeId otherwise. */
export function requireFleetNode(nodeId: string): { shard: ShardConfig; node: NodeConfig } {
  for (const shard of getFleet().shards) {
    const node = shard.nodes.find((candidate) => candidate.id === nodeId);
    if (node) return { shard, node };
  }
  throw new ApiError('not_found', `no node "${nodeId}" in the fleet`, 'nodeId');
}

/** The node cancelled the statement at the transaction's statement timeout. */
function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === '57014';
}

/**
 * The connection, not the statement, failed: refused, reset, the node shut
 * down or never answered. Such a connection is dropped without a ROLLBACK
 * round trip (the node rolls back a transaction whose connection is gone).
 * Anything else without a SQLSTATE is a bug here, not the node's fault.
 */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ApiError) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return /^(08|57P)/.test(code) || code === '53300' || /^E[A-Z]+$/.test(code);
  return typeof message === 'string' && /connection|terminated|timeout|not queryable/i.test(message);
}

function nodeDown(nodeId: string, error: unknown): ApiError {
  return new ApiError('unavailable', `node ${nodeId} is down or not answering (${describeNodeError(error)})`);
}

async function closeConnection(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Runs `work` in a read-only transaction on a fresh connection to the node,
 * then rolls back and closes. A statement timeout becomes a 'timeout' ApiError
 * ("… timed out after 10 s"); a node that is down or hung becomes
 * 'unavailable' within about the fleet's connect timeout (connect) or the
 * statement timeout plus a grace (a node that stops answering mid-work).
 * ApiErrors from `work` pass through unchanged.
 */
export async function withReadOnlyNodeSession<T>(
  nodeId: string,
  options: NodeSessionOptions,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const { node } = requireFleetNode(nodeId);
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs));
  const client = new pg.Client({
    connectionString: node.url,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    query_timeout: timeoutMs + HUNG_NODE_GRACE_MS,
    // Should this process stall between statements, the node ends the open transaction itself.
    idle_in_transaction_session_timeout: timeoutMs + HUNG_NODE_GRACE_MS,
    application_name: CONSOLE_APPLICATION_NAME,
  });
  // A node dropping the connection must not crash the web process; the failing query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await closeConnection(client);
    throw nodeDown(nodeId, error);
  }
  let connectionHealthy = true;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(SET_LOCAL_STATEMENT_TIMEOUT, [String(timeoutMs)]);
    return await work(client);
  } catch (error) {
    if (isStatementTimeout(error)) {
      throw new ApiError('timeout', `${options.activity ?? 'the statement'} timed out after ${formatSeconds(timeoutMs / 1000)} on ${nodeId}`);
    }
    if (isConnectionFailure(error)) {
      connectionHealthy = false;
      throw nodeDown(nodeId, error);
    }
    throw error;
  } finally {
    if (connectionHealthy) await client.query('ROLLBACK').catch(() => {});
    await closeConnection(client);
  }
}
