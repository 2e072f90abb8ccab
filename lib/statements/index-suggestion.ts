import type pg from 'pg';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import {
  candidateIndexes,
  chooseCandidate,
  createIndexConcurrentlySql,
  hypotheticalIndexSql,
  seqScannedTables,
  suggestedIndexName,
  SUGGESTION_MIN_IMPROVEMENT_PCT,
  SUGGESTION_RULE,
  totalCost,
  type CandidateIndex,
  type QuotedIndexTarget,
  type ScannedTable,
  type TriedCandidate,
} from './index-advice-model';
import { CATALOG_COLUMNS_SQL, explainSql, HYPOPG_SCHEMA_SQL, hypopgCreateIndexSql, hypopgResetSql, STATEMENT_TEXT_SQL } from './index-advice-sql';
import { requireFleetNode, withReadOnlyNodeSession } from './node-session';
import { parseStatementText, StatementTextError } from './statement-text';
import type { IndexSuggestion, SuggestIndexRequest } from './statements-model';

/**
 * POST /api/queries/suggest-index: would an index make this statement
 * cheaper? Plans the statement on the chosen node with the operator's
 * parameter values, reads which tables it scans sequentially and on which
 * columns it filters or joins them, asks HypoPG for a hypothetical index on
 * each candidate and plans again. The console runs no DDL: it returns a
 * CREATE INDEX CONCURRENTLY for the operator to run.
 *
 * Everything runs in withReadOnlyNodeSession (READ ONLY, statement timeout,
 * ROLLBACK, own connection). Costs are the planner's estimates, not timings:
 * plain EXPLAIN, nothing is executed.
 */

/** Planning is quick; a statement that takes longer than this to plan is unusual enough to stop and say so. */
export const SUGGESTION_STATEMENT_TIMEOUT_MS = 5000;

/** Values per statement: Postgres allows 65,535 parameters, a form with more than this many fields is not a person filling it in. */
const MAX_PARAMS = 100;
const MAX_PARAM_CHARS = 10_000;

export const suggestIndexRequestSchema = z.object({
  nodeId: z.string().min(1),
  statementHash: z.string().regex(/^[0-9a-f]{32}$/, 'an md5 statement hash (32 hex digits)'),
  params: z.array(z.string().max(MAX_PARAM_CHARS).nullable()).max(MAX_PARAMS).default([]),
}) satisfies z.ZodType<SuggestIndexRequest, unknown>;

async function statementText(statementHash: string): Promise<string> {
  let rows: { query: string }[];
  try {
    ({ rows } = await getControlPool().query<{ query: string }>(STATEMENT_TEXT_SQL, [statementHash]));
  } catch {
    throw new ApiError('unavailable', 'the control database did not answer: statement texts are stored there');
  }
  if (rows.length === 0) throw new ApiError('not_found', `no statement with hash ${statementHash} (texts are stored by the worker's statement snapshots)`, 'statementHash');
  return rows[0].query;
}

/** SQLSTATE classes of a statement the node could not plan: 22 data exception (a parameter value), 42 syntax or access rule. */
function planningRefusal(error: unknown, nodeId: string): ApiError | null {
  const { code, message } = error as { code?: string; message?: string };
  const reason = (message ?? 'refused').slice(0, 300);
  if (code?.startsWith('22')) return new ApiError('bad_request', `${nodeId} rejected a parameter value: ${reason}`, 'params');
  if (code?.startsWith('42') || code === '0A000') return new ApiError('bad_request', `${nodeId} could not plan the statement: ${reason}`, 'statementHash');
  return null;
}

async function explain(client: pg.ClientBase, statement: string, params: (string | null)[], verbose: boolean): Promise<unknown> {
  const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(explainSql(statement, verbose), params);
  return rows[0]['QUERY PLAN'];
}

interface CatalogColumnRow {
  schema_quoted: string;
  table_quoted: string;
  column_name: string;
  column_quoted: string;
}

interface CheckedTable extends ScannedTable {
  quoted: { schema: string; table: string; columns: Map<string, string> };
}

/** Keeps only columns the catalog knows on that table, with Postgres's quoting of every name. */
async function checkAgainstCatalog(client: pg.ClientBase, tables: ScannedTable[]): Promise<CheckedTable[]> {
  const checked: CheckedTable[] = [];
  for (const table of tables) {
    const { rows } = await client.query<CatalogColumnRow>(CATALOG_COLUMNS_SQL, [table.schema, table.table, table.columns]);
    if (rows.length === 0) continue;
    const quotedColumns = new Map(rows.map((row) => [row.column_name, row.column_quoted]));
    checked.push({
      ...table,
      columns: table.columns.filter((column) => quotedColumns.has(column)),
      quoted: { schema: rows[0].schema_quoted, table: rows[0].table_quoted, columns: quotedColumns },
    });
  }
  return checked;
}

function quotedTarget(candidate: CandidateIndex, tables: CheckedTable[]): QuotedIndexTarget {
  const table = tables.find((entry) => entry.schema === candidate.schema && entry.table === candidate.table)!;
  return { schema: table.quoted.schema, table: table.quoted.table, columns: candidate.columns.map((column) => table.quoted.columns.get(column)!) };
}

const STATEMENT_TIMEOUT = '57014';

/**
 * One candidate's estimated cost with its hypothetical index, or null when
 * HypoPG refused it. A savepoint keeps a refusal from aborting the session;
 * hypopg_reset() runs either way, since rolling back does not remove a
 * hypothetical index. A timeout ends the whole suggestion (the next candidate
 * would most likely time out too).
 */
async function costWithHypotheticalIndex(
  client: pg.ClientBase,
  hypopgSchema: string,
  target: QuotedIndexTarget,
  statement: string,
  params: (string | null)[],
): Promise<{ costAfter: number | null; error?: string }> {
  await client.query('savepoint hypothetical_index');
  try {
    await client.query(hypopgCreateIndexSql(hypopgSchema), [hypotheticalIndexSql(target)]);
    const costAfter = totalCost(await explain(client, statement, params, false));
    await client.query(hypopgResetSql(hypopgSchema));
    await client.query('release savepoint hypothetical_index');
    return { costAfter };
  } catch (error) {
    if ((error as { code?: string }).code === STATEMENT_TIMEOUT) throw error;
    await client.query('rollback to savepoint hypothetical_index');
    await client.query(hypopgResetSql(hypopgSchema));
    return { costAfter: null, error: ((error as Error).message ?? 'refused').slice(0, 200) };
  }
}

function describeTarget(target: QuotedIndexTarget): string {
  return `${target.schema}.${target.table} (${target.columns.join(', ')})`;
}

export async function suggestIndex(request: SuggestIndexRequest): Promise<IndexSuggestion> {
  const { nodeId, statementHash, params } = request;
  requireFleetNode(nodeId);
  const text = await statementText(statementHash);
  let statement: string;
  try {
    const parsed = parseStatementText(text);
    statement = parsed.statement;
    if (parsed.parameterCount !== params.length) {
      throw new ApiError('bad_request', `the statement takes ${parsed.parameterCount} parameter${parsed.parameterCount === 1 ? '' : 's'}, ${params.length} given`, 'params');
    }
  } catch (error) {
    if (error instanceof StatementTextError) throw new ApiError('bad_request', `the stored statement cannot be explained: ${error.message}`, 'statementHash');
    throw error;
  }

  return withReadOnlyNodeSession(nodeId, { timeoutMs: SUGGESTION_STATEMENT_TIMEOUT_MS, activity: 'planning for the index suggestion' }, async (client) => {
    let before: unknown;
    try {
      before = await explain(client, statement, params, true);
    } catch (error) {
      throw planningRefusal(error, nodeId) ?? error;
    }
    const costBefore = totalCost(before);
    const tables = await checkAgainstCatalog(client, seqScannedTables(before));
    const candidates = candidateIndexes(tables);
    const base = { statementHash, nodeId, costBefore, rule: SUGGESTION_RULE };

    const [hypopg] = (await client.query<{ schema_quoted: string }>(HYPOPG_SCHEMA_SQL)).rows;
    if (!hypopg) {
      return {
        ...base,
        hypopgAvailable: false,
        suggestion: null,
        tried: candidates.map((candidate) => {
          const target = quotedTarget(candidate, tables);
          return { table: `${target.schema}.${target.table}`, columns: candidate.columns, costAfter: null };
        }),
        note: `HypoPG is not installed in this database on ${nodeId}: install the package (Debian postgresql-15-hypopg; Supabase ships it) and run "create extension if not exists hypopg" on the shard's primary`,
      };
    }
    if (candidates.length === 0) {
      return {
        ...base,
        hypopgAvailable: true,
        suggestion: null,
        tried: [],
        note: 'the plan reads no table with a sequential scan on a filter or join column: there is no index to try',
      };
    }

    // Nothing left from before (the connection is new; this is belt and braces).
    await client.query(hypopgResetSql(hypopg.schema_quoted));
    const tried: (TriedCandidate & { target: QuotedIndexTarget })[] = [];
    const refusals: string[] = [];
    for (const candidate of candidates) {
      const target = quotedTarget(candidate, tables);
      const { costAfter, error } = await costWithHypotheticalIndex(client, hypopg.schema_quoted, target, statement, params);
      if (error) refusals.push(`${describeTarget(target)}: ${error}`);
      tried.push({ ...candidate, costAfter, target });
    }

    const chosen = chooseCandidate(costBefore, tried);
    const notes = [
      chosen ? null : `no hypothetical index lowered the estimated cost by ${SUGGESTION_MIN_IMPROVEMENT_PCT} % or more`,
      refusals.length > 0 ? `HypoPG refused ${refusals.join('; ')}` : null,
    ].filter((note): note is string => note !== null);
    return {
      ...base,
      hypopgAvailable: true,
      suggestion: chosen
        ? {
            table: `${chosen.target.schema}.${chosen.target.table}`,
            columns: chosen.columns,
            costAfter: chosen.costAfter,
            improvementPct: chosen.improvementPct,
            createIndexSql: createIndexConcurrentlySql(suggestedIndexName(chosen.table, chosen.columns), chosen.target),
          }
        : null,
      tried: tried.map(({ target, columns, costAfter }) => ({ table: `${target.schema}.${target.table}`, columns, costAfter })),
      note: notes.length > 0 ? notes.join('. ') : null,
    };
  });
}
