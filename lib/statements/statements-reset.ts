import pg from 'pg';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAudit, type AuditResult } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getFleetEnv } from '@/lib/env';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME, describeNodeError } from '@/lib/fleet/node-pools';
import { STATEMENTS_INFO_RESET_SQL, STATEMENTS_RESET_SQL } from './index-advice-sql';
import { requireFleetNode } from './node-session';
import type { StatementsResetResult } from './statements-model';

/**
 * POST /api/shards/:id/statements/reset {nodeId} (admin, audited): empties
 * pg_stat_statements on one node. Only the statement statistics: table and
 * index counters (what index advice's "unused" and "seq-scan heavy" count
 * since) stay. The statements page treats the counters going backwards as a
 * new baseline, so its windows stay correct across the reset.
 *
 * pg_stat_statements_reset() may only be called by superusers unless granted.
 * Which connection calls it:
 * - a primary: the shard's owner connection (adminUrl), the role that
 *   migrates the shard (a superuser in the sandbox; `postgres` on Supabase,
 *   which may call it);
 * - a replica: the node's monitoring connection, the only one the fleet file
 *   has for it. Its role needs
 *   `GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO <monitoring role>`,
 *   run once on the primary in the database the console connects to (the
 *   grant reaches replicas through WAL). Without it the reset is refused (403)
 *   with that statement in the message.
 */

export const statementsResetRequestSchema = z.object({
  nodeId: z.string().min(1),
});

/** SQLSTATEs: insufficient_privilege, undefined_function (pg_stat_statements not installed in that database). */
const INSUFFICIENT_PRIVILEGE = '42501';
const UNDEFINED_FUNCTION = '42883';

/** The node of this shard the request names: 404 when the fleet has no such node, 400 when it belongs to another shard. */
export function requireShardNode(shard: ShardConfig, nodeId: string): NodeConfig {
  const { shard: owner, node } = requireFleetNode(nodeId);
  if (owner.id !== shard.id) throw new ApiError('bad_request', `node "${nodeId}" belongs to ${owner.id}, not ${shard.id}`, 'nodeId');
  return node;
}

function roleOf(connectionString: string): string {
  try {
    return decodeURIComponent(new URL(connectionString).username) || 'the connecting role';
  } catch {
    return 'the connecting role';
  }
}

function resetFailure(error: unknown, node: NodeConfig, connectionString: string): ApiError {
  const code = (error as { code?: string }).code;
  if (code === INSUFFICIENT_PRIVILEGE) {
    const role = roleOf(connectionString);
    return new ApiError(
      'forbidden',
      `${role} may not reset pg_stat_statements on ${node.id}: run "GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO ${role};" on the shard's primary`,
      'nodeId',
    );
  }
  if (code === UNDEFINED_FUNCTION) return new ApiError('bad_request', `pg_stat_statements is not installed on ${node.id}`, 'nodeId');
  return new ApiError('unavailable', `${node.id} did not answer: ${describeNodeError(error)}`);
}

/** Resets on a connection of its own, closed afterwards: an owner connection is never pooled by the web process. */
async function resetOnNode(connectionString: string): Promise<Date | null> {
  const timeoutMs = getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS;
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 250,
    application_name: CONSOLE_APPLICATION_NAME,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(STATEMENTS_RESET_SQL);
    const { rows } = await client.query<{ stats_reset: Date | null }>(STATEMENTS_INFO_RESET_SQL);
    return rows[0]?.stats_reset ?? null;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ResetStatementsInput {
  shard: ShardConfig;
  nodeId: string;
  actor: Session;
}

/**
 * Resets, then writes one audit row (ok or failed). If the row cannot be
 * written after the reset happened, the attempt goes to the server log in
 * full and the caller gets a 503 saying the reset WAS done: it never goes
 * unrecorded silently.
 */
export async function resetStatements({ shard, nodeId, actor }: ResetStatementsInput): Promise<StatementsResetResult> {
  const node = requireShardNode(shard, nodeId);
  const connectionString = node.role === 'primary' ? shard.adminUrl : node.url;
  const record = async (result: AuditResult, detail: Record<string, unknown>, done: boolean) => {
    const entry = {
      actor: actor.user,
      actorRole: actor.role,
      action: 'statements.reset',
      target: `${shard.id}/${node.id}`,
      result,
      detail: { nodeRole: node.role, connection: node.role === 'primary' ? 'owner' : 'monitoring', ...detail },
    };
    try {
      await writeAudit(entry);
    } catch (error) {
      console.error('[audit] could not write audit row; the attempt was:', JSON.stringify(entry), error);
      if (done) throw new ApiError('unavailable', `audit log unavailable: pg_stat_statements on ${node.id} WAS reset; the attempt is in the server log`);
    }
  };

  let statsReset: Date | null;
  try {
    statsReset = await resetOnNode(connectionString);
  } catch (error) {
    const failure = resetFailure(error, node, connectionString);
    await record('failed', { reason: failure.message }, false);
    throw failure;
  }
  const resetAt = (statsReset ? new Date(statsReset) : new Date()).toISOString();
  await record('ok', { resetAt }, true);
  return { shardId: shard.id, nodeId: node.id, resetAt };
}
