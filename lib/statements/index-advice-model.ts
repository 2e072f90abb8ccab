import type { IndexAdvice } from './statements-model';

/**
 * Pure parts of index advice (no I/O, unit-tested): the thresholds, duplicate
 * and redundant indexes from catalog rows, and for the HypoPG suggestion the
 * candidate columns read from a plan and the rule that keeps one.
 */

// ---------------------------------------------------------------- thresholds

/**
 * Seq-scan heavy: at least 1,000,000 rows read by sequential scans since the
 * stats reset, at least 10× the rows fetched through indexes, on a table of at
 * least 1 MiB (128 pages). Below 1 MiB a sequential scan costs about what an
 * index lookup does, so no index would pay for its writes.
 */
export const SEQ_SCAN_MIN_ROWS_READ = 1_000_000;
export const SEQ_SCAN_MIN_RATIO = 10;
export const SEQ_SCAN_MIN_TABLE_BYTES = 1024 * 1024;

/**
 * Many dead tuples: at least 10,000 dead rows making up at least 20 % of the
 * table (live + dead). Autovacuum's default trigger is 50 rows + 20 %, so a
 * table past both is one autovacuum is not keeping up with (or is held back
 * from by an old transaction or a replication slot).
 */
export const DEAD_TUPLES_MIN = 10_000;
export const DEAD_TUPLES_MIN_PCT = 20;

/**
 * Never analyzed: only tables with at least 1,000 live rows. The planner's
 * built-in guess is harmless for a tiny table; for a big one it picks the
 * wrong join and scan types.
 */
export const NEVER_ANALYZED_MIN_LIVE_ROWS = 1_000;

/** Rows per advice list: past this the page is a wall, and the worst come first. */
export const ADVICE_LIST_LIMIT = 100;

/** The rules above in words, sent with every advice so the page says what it filtered on. */
export const INDEX_ADVICE_RULES: NonNullable<IndexAdvice['rules']> = {
  seqScanHeavy: `≥ ${SEQ_SCAN_MIN_ROWS_READ.toLocaleString('en-US')} rows read by sequential scans, ≥ ${SEQ_SCAN_MIN_RATIO}× the rows fetched through indexes, on a table of ≥ 1 MiB`,
  unused: 'never scanned since the statistics were last reset, on the primary nor on any replica that answered; unique, primary-key, exclusion and constraint indexes are never listed',
  duplicate: 'same table, access method, key columns or expressions, operator classes, collations, order, INCLUDE columns, predicate and uniqueness; the first index listed is the one to keep',
  redundant: 'a non-unique btree index whose key columns are a leading prefix (same operator classes, collations and order) of another btree index on the same table with the same predicate',
  deadTuples: `≥ ${DEAD_TUPLES_MIN.toLocaleString('en-US')} dead rows and ≥ ${DEAD_TUPLES_MIN_PCT} % of the table`,
  neverAnalyzed: `never analyzed nor vacuumed (the planner has no row count), with ≥ ${NEVER_ANALYZED_MIN_LIVE_ROWS.toLocaleString('en-US')} live rows`,
};

// ------------------------------------------------- duplicate and redundant

/** One valid index as INDEX_DEFINITIONS_SQL reads it. */
export interface IndexDefinition {
  table: string;
  index: string;
  accessMethod: string;
  /** One per key column: a column name or an expression, as Postgres prints it. */
  keyColumns: string[];
  includeColumns: string[];
  /** Per key column: operator class oid, collation oid (0: none), indoption bits (DESC, NULLS FIRST). */
  opclasses: string[];
  collations: string[];
  options: number[];
  predicate: string | null;
  unique: boolean;
  primary: boolean;
  /** Some constraint uses it (primary key, unique, exclusion, or the unique index a foreign key references). */
  backsConstraint: boolean;
  indexBytes: number;
  definition: string;
}

/** A key column with everything that changes which lookups it serves. */
function keyColumnSignature(index: IndexDefinition, position: number): string {
  return JSON.stringify([index.keyColumns[position], index.opclasses[position] ?? '', index.collations[position] ?? '', index.options[position] ?? 0]);
}

function keySignatures(index: IndexDefinition): string[] {
  return index.keyColumns.map((_, position) => keyColumnSignature(index, position));
}

/** Two indexes with the same identity index exactly the same rows the same way. */
function identity(index: IndexDefinition): string {
  return JSON.stringify([index.table, index.accessMethod, keySignatures(index), [...index.includeColumns].sort(), index.predicate, index.unique]);
}

/** The copy to keep: the one a constraint needs (dropping it means dropping the constraint), then by name. */
function keepOrder(a: IndexDefinition, b: IndexDefinition): number {
  const rank = (index: IndexDefinition) => (index.primary ? 0 : index.backsConstraint ? 1 : 2);
  return rank(a) - rank(b) || a.index.localeCompare(b.index);
}

export interface DuplicateGroup {
  keep: IndexDefinition;
  drop: IndexDefinition[];
}

/** Groups of indexes that are identical in everything that matters; each group's keeper first. */
export function findDuplicateGroups(indexes: readonly IndexDefinition[]): DuplicateGroup[] {
  const groups = new Map<string, IndexDefinition[]>();
  for (const index of indexes) {
    const key = identity(index);
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => {
      const [keep, ...drop] = [...group].sort(keepOrder);
      return { keep, drop };
    })
    .sort((a, b) => a.keep.table.localeCompare(b.keep.table) || a.keep.index.localeCompare(b.keep.index));
}

export function toDuplicateAdvice(groups: readonly DuplicateGroup[]): IndexAdvice['duplicate'] {
  return groups.map(({ keep, drop }) => ({
    table: keep.table,
    indexes: [keep.index, ...drop.map((index) => index.index)],
    // What dropping every copy but the kept one frees.
    indexBytes: drop.reduce((sum, index) => sum + index.indexBytes, 0),
    definition: keep.definition,
  }));
}

/** Columns an index can hand back without visiting the table: its keys and its INCLUDE columns. */
function storedColumns(index: IndexDefinition): Set<string> {
  return new Set([...index.keyColumns, ...index.includeColumns]);
}

/**
 * Whether `covering` serves every lookup `candidate` serves: both btree on
 * the same table with the same predicate, candidate's keys a leading prefix of
 * covering's (column, operator class, collation, order), candidate's INCLUDE
 * columns stored by covering too, and candidate not unique (its uniqueness is
 * a constraint of its own). Equal keys count when covering adds something: it
 * is unique, or it stores more columns.
 */
export function covers(covering: IndexDefinition, candidate: IndexDefinition): boolean {
  if (covering === candidate || covering.table !== candidate.table) return false;
  if (covering.accessMethod !== 'btree' || candidate.accessMethod !== 'btree') return false;
  if (candidate.unique || candidate.primary || candidate.backsConstraint) return false;
  if (covering.predicate !== candidate.predicate) return false;
  if (candidate.keyColumns.length > covering.keyColumns.length) return false;
  for (let position = 0; position < candidate.keyColumns.length; position += 1) {
    if (keyColumnSignature(candidate, position) !== keyColumnSignature(covering, position)) return false;
  }
  const stored = storedColumns(covering);
  if (!candidate.includeColumns.every((column) => stored.has(column))) return false;
  if (candidate.keyColumns.length < covering.keyColumns.length) return true;
  return covering.unique || stored.size > storedColumns(candidate).size;
}

export interface RedundantIndex {
  index: IndexDefinition;
  coveredBy: IndexDefinition;
}

/**
 * Indexes another index on the same table already serves. Duplicates are
 * reported as such: only each duplicate group's keeper (and indexes without
 * a duplicate) take part here, so one copy is not reported twice. coveredBy
 * prefers an index that is not itself redundant (so the advice survives
 * acting on the rest), then the smallest, then by name.
 */
export function findRedundantIndexes(indexes: readonly IndexDefinition[], duplicateGroups: readonly DuplicateGroup[]): RedundantIndex[] {
  const dropped = new Set(duplicateGroups.flatMap((group) => group.drop));
  const considered = indexes.filter((index) => !dropped.has(index));
  const coveringOf = new Map<IndexDefinition, IndexDefinition[]>();
  for (const candidate of considered) {
    const covering = considered.filter((other) => covers(other, candidate));
    if (covering.length > 0) coveringOf.set(candidate, covering);
  }
  return [...coveringOf.entries()]
    .map(([index, covering]) => {
      const [coveredBy] = [...covering].sort(
        (a, b) => Number(coveringOf.has(a)) - Number(coveringOf.has(b)) || a.indexBytes - b.indexBytes || a.index.localeCompare(b.index),
      );
      return { index, coveredBy };
    })
    .sort((a, b) => b.index.indexBytes - a.index.indexBytes || a.index.index.localeCompare(b.index.index));
}

export function toRedundantAdvice(redundant: readonly RedundantIndex[]): IndexAdvice['redundant'] {
  return redundant.map(({ index, coveredBy }) => ({
    table: index.table,
    index: index.index,
    coveredBy: coveredBy.index,
    indexBytes: index.indexBytes,
    definition: index.definition,
  }));
}

// ------------------------------------------------------ HypoPG suggestion

/**
 * Keep rule: a hypothetical index is suggested only when the planner's total
 * estimated cost of the statement drops by at least 30 %. Smaller gains are
 * within what a fresher ANALYZE or a different parameter value moves, and do
 * not pay for an index's writes, disk and cache.
 */
export const SUGGESTION_MIN_IMPROVEMENT_PCT = 30;

/**
 * A wider candidate (two columns) is preferred over a narrower one only when
 * it is at least 10 % cheaper still: the narrower index is smaller, cheaper to
 * maintain, and serves more statements.
 */
export const WIDER_INDEX_MIN_EXTRA_PCT = 10;

/** Columns tried per table (single-column candidates), and candidates per statement: each is one hypothetical index and one EXPLAIN. */
export const MAX_COLUMNS_PER_TABLE = 3;
export const MAX_CANDIDATES = 8;

export const SUGGESTION_RULE = `kept only when the estimated total cost drops by at least ${SUGGESTION_MIN_IMPROVEMENT_PCT} %; a two-column index only when at least ${WIDER_INDEX_MIN_EXTRA_PCT} % cheaper than the best one-column index`;

/** One node of EXPLAIN (FORMAT JSON, VERBOSE) output. */
export interface ExplainPlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  Filter?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  'Total Cost'?: number;
  Plans?: ExplainPlanNode[];
  [key: string]: unknown;
}

/** A table the plan reads with a sequential scan, and the columns its filters and joins use, in order of first use. */
export interface ScannedTable {
  schema: string;
  table: string;
  columns: string[];
}

export interface CandidateIndex {
  schema: string;
  table: string;
  columns: string[];
}

/** The plan's root from EXPLAIN (FORMAT JSON) output: [{ "Plan": {...} }]. */
export function planRoot(explainOutput: unknown): ExplainPlanNode {
  const first = Array.isArray(explainOutput) ? explainOutput[0] : null;
  const plan = first && typeof first === 'object' ? (first as { Plan?: unknown }).Plan : null;
  if (!plan || typeof plan !== 'object') throw new Error('EXPLAIN output has no Plan');
  return plan as ExplainPlanNode;
}

export function totalCost(explainOutput: unknown): number {
  const cost = planRoot(explainOutput)['Total Cost'];
  if (typeof cost !== 'number') throw new Error('EXPLAIN output has no Total Cost');
  return cost;
}

function* walk(node: ExplainPlanNode): Generator<ExplainPlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*)`;
/** alias.column, not preceded by another name part (so schema.function(...) is not read as one). */
const QUALIFIED_COLUMN = new RegExp(String.raw`(?<![A-Za-z0-9_$."\u0080-\uFFFF])(${IDENTIFIER})\.(${IDENTIFIER})`, 'g');
const STRING_LITERAL = /'(?:[^']|'')*'/g;

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}

/**
 * The `alias.column` references in an expression printed by EXPLAIN VERBOSE
 * (which qualifies every column with its relation's alias), string literals
 * skipped. Only plain column references count: in `lower(t.email) = $1` the
 * column is `email`, and an index on it would not serve the expression (the
 * cost comparison then simply finds no gain).
 */
export function columnReferences(expression: string): { alias: string; column: string }[] {
  const text = expression.replace(STRING_LITERAL, "''");
  return [...text.matchAll(QUALIFIED_COLUMN)].map((match) => ({ alias: unquote(match[1]), column: unquote(match[2]) }));
}

const CONDITION_KEYS = ['Filter', 'Hash Cond', 'Merge Cond', 'Join Filter'] as const;

/**
 * Tables the plan reads with a (parallel) sequential scan, each with the
 * columns that could make an index useful: first those of the scan's own
 * Filter, in the order written, then those of join conditions (Hash Cond,
 * Merge Cond, Join Filter anywhere in the plan) that belong to that scan's
 * alias. Needs VERBOSE output: it names each scan's schema and qualifies
 * columns with aliases, which are unique within one plan. A seq scan without
 * any such column (it reads the whole table) gives nothing to index.
 */
export function seqScannedTables(explainOutput: unknown): ScannedTable[] {
  const nodes = [...walk(planRoot(explainOutput))];
  const scans = new Map<string, ScannedTable>();
  for (const node of nodes) {
    if (node['Node Type'] !== 'Seq Scan' || !node['Relation Name'] || !node.Schema) continue;
    const alias = node.Alias ?? node['Relation Name'];
    scans.set(alias, { schema: node.Schema, table: node['Relation Name'], columns: [] });
  }
  const add = (expression: string | undefined, onlyAlias?: string) => {
    if (typeof expression !== 'string') return;
    for (const { alias, column } of columnReferences(expression)) {
      if (onlyAlias !== undefined && alias !== onlyAlias) continue;
      const scan = scans.get(alias);
      if (scan && !scan.columns.includes(column)) scan.columns.push(column);
    }
  };
  // Filters first, so a table's columns start in filter order.
  for (const node of nodes) {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) add(node.Filter, node.Alias ?? node['Relation Name']);
  }
  for (const node of nodes) {
    for (const key of CONDITION_KEYS) if (key !== 'Filter') add(node[key] as string | undefined);
  }
  return [...scans.values()].filter((scan) => scan.columns.length > 0);
}

/**
 * Hypothetical indexes to try: for each seq-scanned table, each of its first
 * MAX_COLUMNS_PER_TABLE columns alone, and its first two columns as a pair
 * (in that order: filter columns first, as written); at most MAX_CANDIDATES
 * in all. Column names must already be checked against the catalog.
 */
export function candidateIndexes(tables: readonly ScannedTable[]): CandidateIndex[] {
  const candidates: CandidateIndex[] = [];
  for (const { schema, table, columns } of tables) {
    for (const column of columns.slice(0, MAX_COLUMNS_PER_TABLE)) candidates.push({ schema, table, columns: [column] });
    if (columns.length >= 2) candidates.push({ schema, table, columns: columns.slice(0, 2) });
  }
  return candidates.slice(0, MAX_CANDIDATES);
}

export interface TriedCandidate extends CandidateIndex {
  costAfter: number | null;
}

export function improvementPct(costBefore: number, costAfter: number): number {
  if (costBefore <= 0) return 0;
  return Math.round(((costBefore - costAfter) / costBefore) * 1000) / 10;
}

/**
 * The candidate to suggest, or null: the cheapest plan, except that a
 * narrower candidate within WIDER_INDEX_MIN_EXTRA_PCT of it wins; then kept
 * only if it lowers the cost by SUGGESTION_MIN_IMPROVEMENT_PCT or more.
 */
export function chooseCandidate<T extends TriedCandidate>(costBefore: number, tried: readonly T[]): (T & { costAfter: number; improvementPct: number }) | null {
  const costed = tried.filter((candidate): candidate is T & { costAfter: number } => candidate.costAfter !== null);
  if (costed.length === 0) return null;
  const cheapest = costed.reduce((best, candidate) => (candidate.costAfter < best.costAfter ? candidate : best));
  const narrowerAlmostAsCheap = costed
    .filter((candidate) => candidate.columns.length < cheapest.columns.length)
    .filter((candidate) => candidate.costAfter * (1 - WIDER_INDEX_MIN_EXTRA_PCT / 100) <= cheapest.costAfter)
    .sort((a, b) => a.costAfter - b.costAfter)[0];
  const chosen = narrowerAlmostAsCheap ?? cheapest;
  const gain = improvementPct(costBefore, chosen.costAfter);
  return gain >= SUGGESTION_MIN_IMPROVEMENT_PCT ? { ...chosen, improvementPct: gain } : null;
}

/** Postgres truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * A name for the suggested index: <table>_<columns>_idx in lowercase letters,
 * digits and underscores, so it never needs quoting (it ends in _idx, never a
 * keyword), cut to Postgres's 63-byte limit. An existing index of that name
 * makes the CREATE fail; the operator renames it then.
 */
export function suggestedIndexName(table: string, columns: readonly string[]): string {
  const words = [table, ...columns].map((word) => word.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'col');
  let base = words.join('_');
  if (!/^[a-z_]/.test(base)) base = `idx_${base}`;
  return `${base.slice(0, MAX_IDENTIFIER_BYTES - '_idx'.length).replace(/_+$/, '')}_idx`;
}

/** Names already quoted by Postgres (quote_ident of catalog-checked names). */
export interface QuotedIndexTarget {
  schema: string;
  table: string;
  columns: string[];
}

/** The hypothetical index, as hypopg_create_index takes it (a bound parameter, names quoted by Postgres). */
export function hypotheticalIndexSql(target: QuotedIndexTarget): string {
  return `create index on ${target.schema}.${target.table} (${target.columns.join(', ')})`;
}

/** What the operator copies: CONCURRENTLY so the table keeps taking writes while it builds. */
export function createIndexConcurrentlySql(name: string, target: QuotedIndexTarget): string {
  return `CREATE INDEX CONCURRENTLY ${name} ON ${target.schema}.${target.table} (${target.columns.join(', ')});`;
}
