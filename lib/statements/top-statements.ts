import type { StatementRow, StatementSort } from './statements-model';
import { addMoments, emptyMoments, mergeStatements, sortValue, type NodeStatementMoments, type StatementMoments } from './statements-math';

/**
 * The statements list from per-node parts: filter (nodes, user, text), drop the
 * console's own statements, sort, cap, and merge the page's rows per shard and
 * node. Pure; the snapshot and live reports both end here.
 */


/** A statement's moments on one node for one user (its entries under several queryids, dbs or toplevel values summed). */
export interface StatementPart {
  shardId: string;
  nodeId: string;
  role: 'primary' | 'replica';
  username: string;
  moments: StatementMoments;
}

export interface StatementParts {
  statementHash: string;
  query: string;
  parts: StatementPart[];
}

export interface TopStatementsOptions {
  /** Nodes in scope (the shard and node filters). */
  nodeIds: ReadonlySet<string>;
  user?: string;
  /** Text substring, case-insensitive; %, _ and \ are plain characters (it never reaches SQL). */
  q?: string;
  sort: StatementSort;
  limit: number;
  /** All statement time of the nodes in scope: the denominator of shareOfAllTime. */
  allTimeMs: number;
}

/**
 * The top statements, merged across nodes and shards, in one pass over the
 * parts: keep the parts in scope (and of the user), sum them per statement,
 * drop statements that did not run or whose text does not match, sort, cut at
 * the limit, and break the survivors down per shard and node.
 */
/**
 * The console's own statements are not the fleet's workload: its EXPLAINs
 * (utility statements the monitoring role runs) and the statements it marks
 * with a `shardscope:` comment (the sampler, storage measurement). Listing
 * them would put Shardscope among the slow queries it is there to find.
 */
const CONSOLE_OWN_STATEMENT = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*explain\b|\/\*\s*shardscope:/i;

export function isConsoleOwnStatement(query: string): boolean {
  return CONSOLE_OWN_STATEMENT.test(query);
}

export function topStatements(statements: Iterable<StatementParts>, options: TopStatementsOptions): { rows: StatementRow[]; matched: number } {
  const search = options.q?.toLowerCase();
  const candidates: { statement: StatementParts; parts: StatementPart[]; sortValue: number }[] = [];
  for (const statement of statements) {
    const total = emptyMoments();
    const parts: StatementPart[] = [];
    for (const part of statement.parts) {
      if (!options.nodeIds.has(part.nodeId) || (options.user !== undefined && part.username !== options.user)) continue;
      addMoments(total, part.moments);
      parts.push(part);
    }
    if (total.calls <= 0 && total.totalTimeMs <= 0) continue;
    if (search !== undefined && !statement.query.toLowerCase().includes(search)) continue;
    if (isConsoleOwnStatement(statement.query)) continue;
    candidates.push({ statement, parts, sortValue: sortValue(total, options.sort) });
  }
  // Biggest first; ties by statement hash so pages are stable.
  candidates.sort((a, b) => b.sortValue - a.sortValue || (a.statement.statementHash < b.statement.statementHash ? -1 : 1));

  const nodeRows: NodeStatementMoments[] = [];
  for (const { statement, parts } of candidates.slice(0, options.limit)) {
    const statementHash = statement.statementHash;
    const perNode = new Map<string, NodeStatementMoments>();
    for (const part of parts) {
      let row = perNode.get(part.nodeId);
      if (!row) {
        row = { statementHash, query: statement.query, shardId: part.shardId, nodeId: part.nodeId, role: part.role, users: [], ...emptyMoments() };
        perNode.set(part.nodeId, row);
        nodeRows.push(row);
      }
      addMoments(row, part.moments);
      if (!row.users.includes(part.username)) row.users.push(part.username);
    }
  }
  // mergeStatements keeps the order in which statements first appear: the sorted order.
  return { rows: mergeStatements(nodeRows, options.allTimeMs), matched: candidates.length };
}
