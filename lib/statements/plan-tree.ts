import type { PlanNode } from './statements-model';

/**
 * EXPLAIN (FORMAT JSON) output → the plan tree the page draws (pure).
 *
 * Figures, and what they mean for the operator:
 * - actualRows and actualTotalTimeMs are over all loops (Postgres reports
 *   both per loop): the inner side of a nested loop that ran 5,000 times shows
 *   what it cost in total, not what one pass cost.
 * - exclusiveTimeMs is the node's total minus its children's totals: where the
 *   time was spent, rather than where it was waited for. Under a Gather, the
 *   workers' times add up to more than the wall clock, so a parent can come
 *   out below zero: it is clamped to 0.
 * - misestimate compares rows per loop, estimated vs actual, whichever way is
 *   larger (both floored at 1 row: estimating 1 and finding 0 is no surprise).
 *   Above 10× the planner chose on wrong numbers: stale statistics, correlated
 *   columns, or a parameter value far from typical.
 * - costly marks where to look first: the top nodes by exclusive time
 *   (ANALYZE) or by own estimated cost (total minus the children's totals).
 */

/** Actual/estimated rows (or the inverse) above this flags the node. */
export const MISESTIMATE_FACTOR = 10;
/** How many nodes the page highlights as costliest (never more than half of the plan's nodes). */
export const COSTLY_NODE_COUNT = 3;

/** Labels of EXPLAIN output kept as "Label: value" detail lines, in this order. */
const DETAIL_LABELS = [
  'Index Cond',
  'Recheck Cond',
  'Hash Cond',
  'Merge Cond',
  'Join Filter',
  'Filter',
  'Sort Key',
  'Group Key',
  'Rows Removed by Index Recheck',
  'Rows Removed by Join Filter',
  'Rows Removed by Filter',
] as const;

/** One node of EXPLAIN (FORMAT JSON) output, as far as the tree reads it. */
export interface RawPlanNode {
  'Node Type': string;
  'Parallel Aware'?: boolean;
  'Join Type'?: string;
  Strategy?: string;
  Operation?: string;
  'Subplan Name'?: string;
  'Relation Name'?: string;
  Schema?: string;
  'CTE Name'?: string;
  'Function Name'?: string;
  'Index Name'?: string;
  'Startup Cost': number;
  'Total Cost': number;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: RawPlanNode[];
  [label: string]: unknown;
}

interface RawExplain {
  Plan: RawPlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

export interface ExplainPlan {
  root: PlanNode;
  /** Present with ANALYZE (or SUMMARY). */
  planningTimeMs: number | null;
  executionTimeMs: number | null;
}

export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

function isRawPlanNode(value: unknown): value is RawPlanNode {
  const node = value as RawPlanNode | null;
  return (
    typeof node === 'object' &&
    node !== null &&
    typeof node['Node Type'] === 'string' &&
    typeof node['Total Cost'] === 'number' &&
    typeof node['Startup Cost'] === 'number' &&
    typeof node['Plan Rows'] === 'number' &&
    (node.Plans === undefined || (Array.isArray(node.Plans) && node.Plans.every(isRawPlanNode)))
  );
}

/** The one explained statement of EXPLAIN (FORMAT JSON) output: an array of one `{ Plan, … }` object. */
function rawExplainOf(raw: unknown): RawExplain {
  const explained = Array.isArray(raw) ? raw[0] : raw;
  const plan = (explained as RawExplain | null)?.Plan;
  if (!isRawPlanNode(plan)) throw new PlanFormatError('EXPLAIN output has no plan in the expected JSON format');
  return explained as RawExplain;
}

/** The node's name as Postgres' text format prints it ("Hash Left Join", "HashAggregate", "Parallel Seq Scan"). */
export function nodeTypeName(node: RawPlanNode): string {
  let name = node['Node Type'];
  const joinType = node['Join Type'];
  if (joinType && joinType !== 'Inner') {
    if (name === 'Hash Join') name = `Hash ${joinType} Join`;
    else if (name === 'Merge Join') name = `Merge ${joinType} Join`;
    else if (name === 'Nested Loop') name = `Nested Loop ${joinType} Join`;
  }
  if (name === 'Aggregate' || name === 'SetOp') {
    const prefix = { Sorted: name === 'Aggregate' ? 'Group' : '', Hashed: 'Hash', Mixed: 'Mixed' }[node.Strategy ?? ''];
    if (prefix) name = `${prefix}${name}`;
  }
  if (name === 'ModifyTable' && node.Operation) name = node.Operation;
  if (node['Parallel Aware']) name = `Parallel ${name}`;
  return name;
}

function relationOf(node: RawPlanNode): string | null {
  if (node['Relation Name']) return node.Schema ? `${node.Schema}.${node['Relation Name']}` : node['Relation Name'];
  return node['CTE Name'] ?? node['Function Name'] ?? null;
}

function detailLines(node: RawPlanNode, loops: number | null): string[] {
  const lines: string[] = [];
  if (node['Subplan Name']) lines.push(`Subplan: ${node['Subplan Name']}`);
  for (const label of DETAIL_LABELS) {
    const value = node[label];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') {
      // "Rows Removed by …" is 0 on most nodes: only a non-zero count tells something.
      if (value === 0) continue;
      // Postgres gives it per loop; over all loops, like actualRows, with the per-loop figure beside it.
      lines.push(loops !== null && loops > 1 ? `${label}: ${value * loops} (${value} per loop)` : `${label}: ${value}`);
      continue;
    }
    lines.push(`${label}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  }
  return lines;
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** max(actual/estimated, estimated/actual) per loop, both floored at 1 row; null without ANALYZE or when the node never ran. */
export function misestimateRatio(estimatedRows: number, actualRowsPerLoop: number | null, loops: number | null): number | null {
  if (actualRowsPerLoop === null || !loops) return null;
  const estimated = Math.max(estimatedRows, 1);
  const actual = Math.max(actualRowsPerLoop, 1);
  return Math.max(actual / estimated, estimated / actual);
}

/** Builds the tree without the costly flags (they need the whole plan). */
function buildNode(raw: RawPlanNode): PlanNode {
  const children = (raw.Plans ?? []).map(buildNode);
  const loops = optionalNumber(raw['Actual Loops']);
  const rowsPerLoop = optionalNumber(raw['Actual Rows']);
  const timePerLoop = optionalNumber(raw['Actual Total Time']);
  const analyzed = loops !== null && rowsPerLoop !== null;
  const actualTotalTimeMs = analyzed && timePerLoop !== null ? timePerLoop * loops : null;
  const childrenTimeMs = children.reduce((sum, child) => sum + (child.actualTotalTimeMs ?? 0), 0);
  const misestimate = analyzed ? misestimateRatio(raw['Plan Rows'], rowsPerLoop, loops) : null;
  return {
    nodeType: nodeTypeName(raw),
    relation: relationOf(raw),
    index: raw['Index Name'] ?? null,
    details: detailLines(raw, loops),
    startupCost: raw['Startup Cost'],
    totalCost: raw['Total Cost'],
    estimatedRows: raw['Plan Rows'],
    actualRows: analyzed ? rowsPerLoop * loops : null,
    loops,
    actualTotalTimeMs,
    exclusiveTimeMs: actualTotalTimeMs === null ? null : Math.max(0, actualTotalTimeMs - childrenTimeMs),
    sharedHitBlocks: optionalNumber(raw['Shared Hit Blocks']),
    sharedReadBlocks: optionalNumber(raw['Shared Read Blocks']),
    misestimate,
    misestimated: misestimate !== null && misestimate > MISESTIMATE_FACTOR,
    costly: false,
    children,
  };
}

function allNodes(root: PlanNode): PlanNode[] {
  return [root, ...root.children.flatMap(allNodes)];
}

/** The node's own estimated cost: its total minus its children's totals (floored at 0). */
export function ownCost(node: PlanNode): number {
  return Math.max(0, node.totalCost - node.children.reduce((sum, child) => sum + child.totalCost, 0));
}

/** Marks the costliest nodes in place: by exclusive time when the plan was analyzed, else by own cost. */
function markCostly(root: PlanNode): void {
  const nodes = allNodes(root);
  const analyzed = root.exclusiveTimeMs !== null;
  const weight = (node: PlanNode) => (analyzed ? (node.exclusiveTimeMs ?? 0) : ownCost(node));
  const count = Math.min(COSTLY_NODE_COUNT, Math.ceil(nodes.length / 2));
  nodes
    .filter((node) => weight(node) > 0)
    .sort((a, b) => weight(b) - weight(a))
    .slice(0, count)
    .forEach((node) => {
      node.costly = true;
    });
}

/** Raw EXPLAIN (FORMAT JSON[, ANALYZE, BUFFERS]) output → the plan tree with its highlights. */
export function planTreeFromExplain(raw: unknown): ExplainPlan {
  const explained = rawExplainOf(raw);
  const root = buildNode(explained.Plan);
  markCostly(root);
  return {
    root,
    planningTimeMs: optionalNumber(explained['Planning Time']),
    executionTimeMs: optionalNumber(explained['Execution Time']),
  };
}
