/**
 * Slow queries across the fleet: the shapes the statements API answers and
 * the page reads. Types and allowlists only (no I/O).
 *
 * Statements are merged across shards by statement hash (md5 of the
 * normalized text, as stored in statement_texts / statement_snapshots):
 * queryid hashes relation OIDs and differs between databases.
 */

/** '15m' | '1h' | '24h' | '7d' from snapshots; 'reset': since each node's last stats reset (its cumulative counters). */
export const STATEMENT_WINDOWS = ['15m', '1h', '24h', '7d', 'reset'] as const;
export type StatementWindow = (typeof STATEMENT_WINDOWS)[number];
export const DEFAULT_STATEMENT_WINDOW: StatementWindow = '1h';

/** Sort keys (all descending, biggest first). */
export const STATEMENT_SORTS = ['total_time', 'mean_time', 'calls', 'rows', 'io_time', 'temp_blocks', 'wal_bytes', 'shared_read'] as const;
export type StatementSort = (typeof STATEMENT_SORTS)[number];
export const DEFAULT_STATEMENT_SORT: StatementSort = 'total_time';
export const MAX_STATEMENT_LIMIT = 200;
export const DEFAULT_STATEMENT_LIMIT = 50;

/** Figures of one statement over the window (deltas), for one node, one shard or the fleet. */
export interface StatementFigures {
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
  /** Pooled standard deviation of execution time; null when it cannot be derived (one call, or a live-only figure). */
  stddevTimeMs: number | null;
  rows: number;
  rowsPerCall: number | null;
  sharedBlksHit: number;
  sharedBlksRead: number;
  /** 100 × hit / (hit + read); null without block access. */
  hitPct: number | null;
  /** blk_read_time + blk_write_time (track_io_timing). */
  ioTimeMs: number;
  /** temp blocks read + written. */
  tempBlks: number;
  walBytes: number;
}

export interface StatementNodeFigures extends StatementFigures {
  nodeId: string;
  role: 'primary' | 'replica';
}

export interface StatementShardFigures extends StatementFigures {
  shardId: string;
  /** This shard's share of the statement's fleet total time (0–1). */
  shareOfTime: number;
  /** Its mean time far above the other shards' for the same statement (see outlierRule in the report). */
  outlier: boolean;
  nodes: StatementNodeFigures[];
}

export interface StatementRow extends StatementFigures {
  statementHash: string;
  /** The normalized text (full; the page truncates). */
  query: string;
  /** This statement's share of all statement time in the window across the fleet (0–1). */
  shareOfAllTime: number;
  users: string[];
  shards: StatementShardFigures[];
  outlierShardIds: string[];
}

/** GET /api/queries?window=&sort=&shardId=&nodeId=&q=&limit= */
export interface StatementsReport {
  window: StatementWindow;
  sort: StatementSort;
  /** 'snapshots': deltas between stored snapshots; 'live': read from the nodes now (no snapshot covers the window yet, or window 'reset'). */
  source: 'snapshots' | 'live';
  from: string | null;
  to: string;
  /** All statement time in the window across the fleet (the denominator of shareOfAllTime). */
  totalTimeMs: number;
  rows: StatementRow[];
  /** Nodes that did not answer (live) or have no snapshot in the window: their figures are missing, never zero. */
  missingNodes: { nodeId: string; shardId: string; reason: string }[];
  /** Counters that went backwards (a reset or deallocation) inside the window, per node: those start a new baseline. */
  resets: { nodeId: string; at: string }[];
  /** The outlier rule in words (e.g. "a shard whose mean is ≥ 3× the median of the other shards' means, with ≥ 20 calls"). */
  outlierRule: string;
  /** (Optional, added) How many statements matched the filters before the limit: "50 of 1,234". */
  matchedStatements?: number;
}

export const STATEMENT_RANGES = ['1h', '6h', '24h', '7d'] as const;
export type StatementRange = (typeof STATEMENT_RANGES)[number];

/** GET /api/queries/:statementHash?range= */
export interface StatementDetail {
  statementHash: string;
  query: string;
  range: StatementRange;
  figures: StatementFigures;
  shards: StatementShardFigures[];
  /** Per snapshot interval, fleet-wide (summed over nodes). */
  series: { at: string; calls: number; totalTimeMs: number; meanTimeMs: number | null }[];
  /** How many $n parameters the text has (the EXPLAIN form shows one field each). */
  parameterCount: number;
  /** (Optional, added) As in StatementsReport: 'live' = cumulative since each node's reset, read now (no snapshot covers the range yet); series is then empty. */
  source?: 'snapshots' | 'live';
  /** (Optional, added) The span the figures cover (from null when live). */
  from?: string | null;
  to?: string;
  /** (Optional, added) As in StatementsReport: nodes whose figures are missing (replicas are only read live). */
  missingNodes?: { nodeId: string; shardId: string; reason: string }[];
}

/** POST /api/queries/explain */
export interface ExplainRequest {
  nodeId: string;
  statement: string;
  /** One per $n, in order; null for SQL NULL. Values are sent as text and cast by the server. */
  params: (string | null)[];
  /** EXPLAIN (ANALYZE, BUFFERS): admins only, and never for a statement that writes. */
  analyze: boolean;
  /** Statement timeout for this EXPLAIN, ms (EXPLAIN_TIMEOUT_MS bounds in lib/statements/explain.ts); default 10 s. */
  timeoutMs?: number;
}

export interface PlanNode {
  nodeType: string;
  relation: string | null;
  index: string | null;
  /** Filter, Index Cond, Hash Cond, Join Filter, Sort Key… as "Label: value" lines. */
  details: string[];
  startupCost: number;
  totalCost: number;
  estimatedRows: number;
  /** ANALYZE only (per loop × loops). */
  actualRows: number | null;
  loops: number | null;
  actualTotalTimeMs: number | null;
  /** Time in this node alone (its total minus its children's); ANALYZE only. */
  exclusiveTimeMs: number | null;
  sharedHitBlocks: number | null;
  sharedReadBlocks: number | null;
  /** max(actual/estimated, estimated/actual) when ANALYZE; flagged when > 10. */
  misestimate: number | null;
  misestimated: boolean;
  /** Among the costliest nodes of the plan (by exclusive time when ANALYZE, else by own cost). */
  costly: boolean;
  children: PlanNode[];
}

export interface ExplainResult {
  nodeId: string;
  shardId: string;
  analyze: boolean;
  planningTimeMs: number | null;
  executionTimeMs: number | null;
  root: PlanNode;
  /** The raw EXPLAIN (FORMAT JSON) output, to copy. */
  raw: unknown;
}

/** GET /api/shards/:id/index-advice (read on the shard's primary) */
export interface IndexAdvice {
  shardId: string;
  nodeId: string;
  /** When the table/index statistics were last reset (pg_stat_database.stats_reset): "unused" means unused since then. */
  statsResetAt: string | null;
  seqScanHeavy: { table: string; seqScans: number; seqTupRead: number; idxScans: number; idxTupFetch: number; tableBytes: number; liveTuples: number }[];
  unused: { index: string; table: string; indexBytes: number; definition: string }[];
  duplicate: { table: string; indexes: string[]; indexBytes: number; definition: string }[];
  redundant: { table: string; index: string; coveredBy: string; indexBytes: number; definition: string }[];
  /** buildInProgress (optional, added): a CREATE INDEX CONCURRENTLY building it right now, not a leftover. */
  invalid: { index: string; table: string; definition: string; buildInProgress?: boolean }[];
  deadTuples: { table: string; deadTuples: number; liveTuples: number; deadPct: number; lastAutovacuum: string | null }[];
  neverAnalyzed: { table: string; liveTuples: number }[];
  /** (optional, added) Replicas whose index usage could not be read: "unused" then means unused on the primary and the replicas that answered. */
  replicasNotChecked?: { nodeId: string; reason: string }[];
  /** (optional, added) What each list filtered on, in words (thresholds from index-advice-model.ts). */
  rules?: { seqScanHeavy: string; unused: string; duplicate: string; redundant: string; deadTuples: string; neverAnalyzed: string };
}

/** POST /api/queries/suggest-index */
export interface SuggestIndexRequest {
  nodeId: string;
  statementHash: string;
  params: (string | null)[];
}

export interface IndexSuggestion {
  statementHash: string;
  nodeId: string;
  hypopgAvailable: boolean;
  costBefore: number | null;
  /** The kept suggestion, or null when none lowered the cost by the margin. */
  suggestion: { table: string; columns: string[]; costAfter: number; improvementPct: number; createIndexSql: string } | null;
  /** Every candidate tried, with its estimated cost. */
  tried: { table: string; columns: string[]; costAfter: number | null }[];
  /** The keep rule in words (e.g. "kept only when the estimated cost drops by at least 30 %"). */
  rule: string;
  note: string | null;
}

/** POST /api/shards/:id/statements/reset {nodeId} (admin, audited) */
export interface StatementsResetResult {
  shardId: string;
  nodeId: string;
  resetAt: string;
}
