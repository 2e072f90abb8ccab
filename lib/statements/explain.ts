import { createHash } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAudit, type AuditEntry, type AuditResult } from '@/lib/auth/audit';
import { hasRole } from '@/lib/auth/roles';
import type { Session } from '@/lib/auth/session';
import { requireFleetNode, withReadOnlyNodeSession } from './node-session';
import { planTreeFromExplain } from './plan-tree';
import { parseStatementText, StatementTextError, type StatementText } from './statement-text';
import type { ExplainRequest, ExplainResult } from './statements-model';

/**
 * EXPLAIN an operator's statement on one node: plain EXPLAIN for operators,
 * EXPLAIN (ANALYZE, BUFFERS) — which runs the statement — for admins, audited.
 *
 * Why a statement cannot write, layer by layer:
 * 1. the text is one statement (statement-text.ts), and the extended protocol
 *    refuses a second command anyway ("cannot insert multiple commands into a
 *    prepared statement");
 * 2. ANALYZE is refused for text that writes (DML, DDL, utility, WITH … UPDATE,
 *    SELECT … FOR UPDATE, SELECT INTO, nextval);
 * 3. it runs in BEGIN READ ONLY … ROLLBACK on its own connection
 *    (node-session.ts): a function with side effects is refused by Postgres;
 * 4. the connection's role can read everything and write nothing
 *    (pg_monitor + pg_read_all_data).
 * Parameter values are bound (sent as text, typed by Postgres from their
 * context), never pasted into the SQL.
 */

/** Statement timeout of an EXPLAIN, ms: the default, and what a request may ask for. */
export const DEFAULT_EXPLAIN_TIMEOUT_MS = 10_000;
export const MIN_EXPLAIN_TIMEOUT_MS = 100;
export const MAX_EXPLAIN_TIMEOUT_MS = 60_000;

/** Longest statement accepted (pg_stat_statements texts of generated SQL run long; this is far past any of them). */
export const MAX_STATEMENT_CHARS = 100_000;
/** A normalized IN list of many constants has as many $n. */
export const MAX_EXPLAIN_PARAMS = 1000;
const MAX_PARAM_CHARS = 100_000;

/** How much of the statement an audit row keeps. */
export const AUDIT_STATEMENT_PREVIEW_CHARS = 200;

/** Body of POST /api/queries/explain. */
export const explainRequestSchema = z.object({
  nodeId: z.string().min(1).max(200),
  statement: z.string().min(1, 'the statement to explain').max(MAX_STATEMENT_CHARS),
  params: z.array(z.string().max(MAX_PARAM_CHARS).nullable()).max(MAX_EXPLAIN_PARAMS).default([]),
  analyze: z.boolean().default(false),
  timeoutMs: z.number().int().min(MIN_EXPLAIN_TIMEOUT_MS).max(MAX_EXPLAIN_TIMEOUT_MS).optional(),
});

/** EXPLAIN's own options: JSON for the tree; ANALYZE runs the statement and BUFFERS counts its block accesses. */
const EXPLAIN_PREFIX = 'EXPLAIN (FORMAT JSON)\n';
const EXPLAIN_ANALYZE_PREFIX = 'EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS)\n';

/** SQLSTATEs that mean a parameter value (or its type) is at fault rather than the statement. */
const PARAMETER_SQLSTATES = new Set([
  '42P18', // indeterminate_datatype: could not determine data type of parameter $n
  '42P02', // undefined_parameter: there is no parameter $n
  '08P01', // protocol_violation: bind message supplies n parameters, but …
  '22P02', // invalid_text_representation: invalid input syntax for type uuid
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22003', // numeric_value_out_of_range
  '22021', // character_not_in_repertoire (e.g. a NUL byte)
  '22001', // string_data_right_truncation: value too long for varchar(n)
]);

/** Left to the session: the statement timeout, and the connection failing. */
function isSessionError(code: string): boolean {
  return code === '57014' || (/^(08|57P)/.test(code) && code !== '08P01') || code === '53300';
}

interface PostgresError {
  code?: string;
  message: string;
  hint?: string;
}

/**
 * A Postgres error about the operator's statement or values → a 400 naming
 * the field to fix, with Postgres' own message; null for errors the session
 * maps (timeout, node down) or that are not Postgres errors.
 */
function statementError(error: unknown, analyze: boolean): ApiError | null {
  const { code, message, hint } = error as PostgresError;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || isSessionError(code)) return null;
  const withHint = hint ? `${message} (${hint})` : message;
  if (code === '25006') {
    return new ApiError('bad_request', `the statement tried to write, and the read-only transaction refused it: ${message}. Nothing was changed.`, 'statement');
  }
  if (code === '42501') {
    const why = analyze ? '' : ' (even plain EXPLAIN needs the privileges the statement needs, and it reads only)';
    return new ApiError('bad_request', `the monitoring role may not run this: ${message}${why}`, 'statement');
  }
  // unknown + unknown: two untyped parameters give Postgres nothing to infer their types from.
  if ((code === '42725' || code === '42883') && /\bunknown\b/.test(message)) {
    return new ApiError('bad_request', `${message}: Postgres cannot infer a parameter's type here; add a cast to the statement, e.g. $1::int`, 'params');
  }
  if (PARAMETER_SQLSTATES.has(code)) return new ApiError('bad_request', withHint, 'params');
  return new ApiError('bad_request', withHint, 'statement');
}

function checkedText(request: ExplainRequest): StatementText {
  let text: StatementText;
  try {
    text = parseStatementText(request.statement);
  } catch (error) {
    if (error instanceof StatementTextError) throw new ApiError('bad_request', error.message, 'statement');
    throw error;
  }
  if (text.parameterCount !== request.params.length) {
    const expected = text.parameterCount === 0 ? 'no parameters' : `${text.parameterCount} parameter${text.parameterCount === 1 ? '' : 's'} ($1…$${text.parameterCount})`;
    throw new ApiError('bad_request', `the statement takes ${expected}; ${request.params.length} value${request.params.length === 1 ? '' : 's'} given`, 'params');
  }
  if (request.analyze && text.writes) {
    throw new ApiError(
      'bad_request',
      `EXPLAIN ANALYZE runs the statement, and this one writes (${text.writes}); use plain EXPLAIN for its plan`,
      'statement',
    );
  }
  return text;
}

/** md5 of the text as given: the same hash as statement_texts when the text came from the statements page. */
export function statementHashOf(statement: string): string {
  return createHash('md5').update(statement, 'utf8').digest('hex');
}

/**
 * Writes the ANALYZE audit row. Parameter values are left out on purpose:
 * they are often tenant data. A refusal that cannot be recorded is logged and
 * stands; a run that cannot be recorded is refused after the fact (an audited
 * action never succeeds silently), though it changed nothing.
 */
async function auditAnalyze(request: ExplainRequest, session: Session, result: AuditResult, detail: Record<string, unknown>): Promise<void> {
  const entry: AuditEntry = {
    actor: session.user,
    actorRole: session.role,
    action: 'statement.explain_analyze',
    target: request.nodeId,
    result,
    detail: {
      statementHash: statementHashOf(request.statement),
      statement: request.statement.slice(0, AUDIT_STATEMENT_PREVIEW_CHARS),
      parameterCount: request.params.length,
      ...detail,
    },
  };
  try {
    await writeAudit(entry);
  } catch (error) {
    console.error('[audit] could not write audit row; the attempt was:', JSON.stringify(entry), error);
    if (result === 'ok') {
      throw new ApiError('unavailable', 'audit log unavailable: the EXPLAIN ANALYZE ran (and was rolled back) but could not be recorded; the attempt is in the server log');
    }
  }
}

interface ExplainRun {
  shardId: string;
  raw: unknown;
}

/**
 * Checks the request and runs the EXPLAIN. `progress.refused` tells the
 * caller's audit whether a failure was a refusal (a check before the run, or
 * the read-only transaction refusing a write) or a failure of the run.
 */
async function runExplain(request: ExplainRequest, session: Session, timeoutMs: number, progress: { refused: boolean }): Promise<ExplainRun> {
  if (request.analyze && !hasRole(session.role, 'admin')) {
    throw new ApiError('forbidden', 'EXPLAIN ANALYZE runs the statement: it needs the admin role', 'analyze');
  }
  const text = checkedText(request);
  const { shard } = requireFleetNode(request.nodeId);
  progress.refused = false;
  const query: pg.QueryConfig & { queryMode: 'extended' } = {
    text: (request.analyze ? EXPLAIN_ANALYZE_PREFIX : EXPLAIN_PREFIX) + text.statement,
    values: request.params,
    // Parse/Bind/Execute even without values: one statement only, values never in the SQL.
    queryMode: 'extended',
  };
  const activity = request.analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN';
  const raw = await withReadOnlyNodeSession(request.nodeId, { timeoutMs, activity }, async (client) => {
    try {
      const result = await client.query<{ 'QUERY PLAN': unknown }>(query);
      return result.rows[0]?.['QUERY PLAN'];
    } catch (error) {
      const mapped = statementError(error, request.analyze);
      if ((error as PostgresError).code === '25006') progress.refused = true;
      throw mapped ?? error;
    }
  });
  return { shardId: shard.id, raw };
}

/** Runs EXPLAIN (and with `analyze`, the statement) on the request's node; see the module comment for what keeps it read-only. */
export async function explainStatement(request: ExplainRequest, session: Session): Promise<ExplainResult> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_EXPLAIN_TIMEOUT_MS;
  const progress = { refused: true };
  let run: ExplainRun;
  try {
    run = await runExplain(request, session, timeoutMs, progress);
  } catch (error) {
    if (request.analyze) {
      const reason = error instanceof ApiError ? error.message : 'internal error';
      await auditAnalyze(request, session, progress.refused ? 'refused' : 'failed', { reason, timeoutMs });
    }
    throw error;
  }
  const plan = planTreeFromExplain(run.raw);
  if (request.analyze) {
    await auditAnalyze(request, session, 'ok', { shardId: run.shardId, executionTimeMs: plan.executionTimeMs, timeoutMs });
  }
  return { nodeId: request.nodeId, shardId: run.shardId, analyze: request.analyze, ...plan, raw: run.raw };
}
