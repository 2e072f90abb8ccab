import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAudit, type AuditResult } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME, describeNodeError, queryNode } from '@/lib/fleet/node-pools';
import { QUERY_PREVIEW_CHARS } from './activity-thresholds';
import type { BackendSignalResult } from './activity-types';

/**
 * Cancel / terminate one backend, and read its full query text. A backend is
 * named by node + pid + backend_start: pids are reused as soon as a backend
 * exits, so the pid alone may name someone else's session by the time the
 * operator clicks. Every signal statement re-checks all of it at the moment it
 * signals.
 */

export type BackendAction = BackendSignalResult['action'];

/** pids are int4 in Postgres. */
const MAX_PID = 2_147_483_647;

/** backend_start as the activity panel sends it: epoch seconds, up to microseconds. */
const backendStartSchema = z.string().regex(/^\d+(\.\d{1,6})?$/, 'epoch seconds with up to 6 decimals, as the activity panel sent it');

/** Body of POST .../backends/cancel and .../backends/terminate. A pid must be a JSON integer, never a string. */
export const backendSignalRequestSchema = z.object({
  nodeId: z.string().min(1),
  pid: z.number().int().positive().max(MAX_PID),
  backendStart: backendStartSchema,
});

/** Query string of GET .../backends/query. */
export const backendQueryTextRequestSchema = z.object({
  nodeId: z.string().min(1),
  pid: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'a positive integer')
    .transform(Number)
    .pipe(z.number().max(MAX_PID)),
  backendStart: backendStartSchema,
});

/**
 * The backend an operator named, as the node sees it now: whether it is still
 * the same backend (same backend_start), what kind it is, whose it is. A
 * superuser's backend cannot be signalled by the monitoring role
 * (pg_signal_backend excludes them); the flag picks the message when Postgres refuses.
 */
export const BACKEND_LOOKUP_SQL = `
  select
    extract(epoch from a.backend_start) = $2::numeric as same_backend,
    a.backend_type,
    a.usename as user_name,
    a.application_name,
    left(a.query, $3) as query_preview,
    a.pid = pg_backend_pid() as is_signalling_connection,
    coalesce(r.rolsuper, false) as is_superuser
  from pg_stat_activity a
  left join pg_roles r on r.oid = a.usesysid
  where a.pid = $1`;

/**
 * Cancels the current query of one client backend, re-checking in the same
 * statement that the pid still belongs to the backend the operator saw, is a
 * client backend, and is not the console's own. No row: it changed after the
 * check, and nothing was signalled.
 */
export const CANCEL_BACKEND_SQL = `
  select pg_cancel_backend(pid) as signalled
  from pg_stat_activity
  where pid = $1
    and extract(epoch from backend_start) = $2::numeric
    and backend_type = 'client backend'
    and application_name is distinct from $3
    and pid <> pg_backend_pid()`;

/** As CANCEL_BACKEND_SQL, but closes the connection (its open transaction rolls back). */
export const TERMINATE_BACKEND_SQL = `
  select pg_terminate_backend(pid) as signalled
  from pg_stat_activity
  where pid = $1
    and extract(epoch from backend_start) = $2::numeric
    and backend_type = 'client backend'
    and application_name is distinct from $3
    and pid <> pg_backend_pid()`;

const SIGNAL_SQL: Record<BackendAction, string> = { cancel: CANCEL_BACKEND_SQL, terminate: TERMINATE_BACKEND_SQL };

/** The full text of one client backend's current (or last) query, with the same backend_start check. */
export const BACKEND_QUERY_TEXT_SQL = `
  select
    extract(epoch from backend_start) = $2::numeric as same_backend,
    query
  from pg_stat_activity
  where pid = $1
    and backend_type = 'client backend'`;

interface BackendRow {
  same_backend: boolean;
  backend_type: string | null;
  user_name: string | null;
  application_name: string | null;
  query_preview: string | null;
  is_signalling_connection: boolean;
  is_superuser: boolean;
}

/** SQLSTATE insufficient_privilege: pg_cancel_backend refusing a superuser's (or, without pg_signal_backend, anyone's) backend. */
const INSUFFICIENT_PRIVILEGE = '42501';

export interface SignalBackendInput {
  shard: ShardConfig;
  node: NodeConfig;
  pid: number;
  backendStart: string;
  action: BackendAction;
  actor: Session;
}

function nodeUnavailable(node: NodeConfig, error: unknown): ApiError {
  return new ApiError('unavailable', `${node.id} did not answer: ${describeNodeError(error)}`);
}

/** Why this backend must not be signalled, or null when it may be. */
function refusalFor(backend: BackendRow | undefined, pid: number, node: NodeConfig): ApiError | null {
  if (!backend) return new ApiError('not_found', `no backend with pid ${pid} on ${node.id} (it may have ended)`, 'pid');
  if (!backend.same_backend) return new ApiError('conflict', `pid ${pid} was reused by another backend since the page was loaded`, 'backendStart');
  if (backend.is_signalling_connection || backend.application_name === CONSOLE_APPLICATION_NAME) {
    return new ApiError('forbidden', `pid ${pid} is one of the console's own sessions; it is never signalled from here`, 'pid');
  }
  if (backend.backend_type !== 'client backend') {
    return new ApiError('forbidden', `pid ${pid} is a ${backend.backend_type ?? 'server process'}, not a client session; only client sessions can be signalled`, 'pid');
  }
  return null;
}

function signalFailure(error: unknown, backend: BackendRow, node: NodeConfig, pid: number): ApiError {
  if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) {
    return backend.is_superuser
      ? new ApiError('forbidden', 'cannot signal a superuser backend', 'pid')
      : new ApiError('forbidden', `the monitoring role may not signal pid ${pid} on ${node.id} (it needs pg_signal_backend)`, 'pid');
  }
  return nodeUnavailable(node, error);
}

/**
 * Cancels or terminates one client backend, and writes one audit row for the
 * attempt whatever its outcome: ok, refused (it failed a check; nothing was
 * signalled) or failed (the node refused or did not answer).
 *
 * Order: check → signal → audit. If the audit row cannot be written after a
 * signal was sent, the attempt is logged in full to the server log and the
 * caller gets a 503 saying the signal WAS sent: the action never goes unrecorded
 * silently. Refusals and failures whose audit write fails still return their own
 * error (nothing happened on the node) and are logged the same way.
 */
export async function signalBackend(input: SignalBackendInput): Promise<BackendSignalResult> {
  const { shard, node, pid, backendStart, action, actor } = input;
  let backend: BackendRow | undefined;
  const record = async (result: AuditResult, extra: { signalled: boolean; reason?: string }) => {
    const entry = {
      actor: actor.user,
      actorRole: actor.role,
      action: `backend.${action}`,
      target: `${shard.id}/${node.id}/pid ${pid}`,
      result,
      detail: {
        pid,
        backendStart,
        user: backend?.user_name ?? null,
        applicationName: backend?.application_name ?? null,
        query: backend?.query_preview ?? null,
        ...extra,
      },
    };
    try {
      await writeAudit(entry);
    } catch (error) {
      console.error('[audit] could not write audit row; the attempt was:', JSON.stringify(entry), error);
      if (extra.signalled) {
        throw new ApiError('unavailable', `audit log unavailable: pid ${pid} WAS signalled (${action}); the attempt is in the server log`);
      }
    }
  };

  try {
    [backend] = await queryNode<BackendRow>(node, BACKEND_LOOKUP_SQL, [pid, backendStart, QUERY_PREVIEW_CHARS]);
  } catch (error) {
    const failure = nodeUnavailable(node, error);
    await record('failed', { signalled: false, reason: failure.message });
    throw failure;
  }
  const refusal = refusalFor(backend, pid, node);
  if (refusal) {
    await record('refused', { signalled: false, reason: refusal.message });
    throw refusal;
  }

  let rows: { signalled: boolean }[];
  try {
    rows = await queryNode<{ signalled: boolean }>(node, SIGNAL_SQL[action], [pid, backendStart, CONSOLE_APPLICATION_NAME]);
  } catch (error) {
    const failure = signalFailure(error, backend!, node, pid);
    await record('failed', { signalled: false, reason: failure.message });
    throw failure;
  }
  if (rows.length === 0) {
    const vanished = new ApiError('conflict', `pid ${pid} ended or changed before it could be signalled`, 'backendStart');
    await record('refused', { signalled: false, reason: vanished.message });
    throw vanished;
  }
  // false: Postgres found no such process when it sent the signal (it exited in between).
  const signalled = rows[0].signalled;
  await record('ok', { signalled });
  return { action, nodeId: node.id, pid, signalled };
}

/** The full query text of one backend, for the "full text" link; refuses a reused pid like a signal would. */
export async function getBackendQueryText(input: { node: NodeConfig; pid: number; backendStart: string }): Promise<{ query: string }> {
  const { node, pid, backendStart } = input;
  let rows: { same_backend: boolean; query: string | null }[];
  try {
    rows = await queryNode<{ same_backend: boolean; query: string | null }>(node, BACKEND_QUERY_TEXT_SQL, [pid, backendStart]);
  } catch (error) {
    throw nodeUnavailable(node, error);
  }
  if (rows.length === 0) throw new ApiError('not_found', `no client backend with pid ${pid} on ${node.id} (it may have ended)`, 'pid');
  if (!rows[0].same_backend) throw new ApiError('conflict', `pid ${pid} was reused by another backend since the page was loaded`, 'backendStart');
  return { query: rows[0].query ?? '' };
}
