import { formatNumber } from '@/lib/format';
import type { PlanNode } from '@/lib/statements/statements-model';
import { formatMs } from './statement-figures-view';

/**
 * How one plan node reads in the tree. Pure; unit-tested. The server has
 * already decided which nodes are costly and which misestimated; this says
 * it in words.
 */

/** "Index Scan on orders using orders_pkey", "Hash Join", "Seq Scan on events". */
export function planNodeTitle(node: PlanNode): string {
  let title = node.nodeType;
  if (node.relation) title += ` on ${node.relation}`;
  if (node.index) title += ` using ${node.index}`;
  return title;
}

/** "est 120 rows" or "est 120 · actual 4k rows × 3 loops". */
export function planRowsText(node: PlanNode): string {
  const estimated = `est ${formatNumber(node.estimatedRows)}`;
  if (node.actualRows === null) return `${estimated} rows`;
  const loops = node.loops !== null && node.loops > 1 ? ` × ${formatNumber(node.loops)} loops` : '';
  return `${estimated} · actual ${formatNumber(node.actualRows)} rows${loops}`;
}

/** "cost 0.29..8.31". */
export function planCostText(node: PlanNode): string {
  return `cost ${node.startupCost.toFixed(2)}..${node.totalCost.toFixed(2)}`;
}

/** "4.2 ms (1.1 ms here)" when analyzed; null on a plain EXPLAIN. */
export function planTimeText(node: PlanNode): string | null {
  if (node.actualTotalTimeMs === null) return null;
  const own = node.exclusiveTimeMs !== null ? ` (${formatMs(node.exclusiveTimeMs)} in this node)` : '';
  return `${formatMs(node.actualTotalTimeMs)}${own}`;
}

/** "buffers hit 120 · read 4" when analyzed with BUFFERS; null otherwise. */
export function planBuffersText(node: PlanNode): string | null {
  if (node.sharedHitBlocks === null && node.sharedReadBlocks === null) return null;
  return `buffers hit ${formatNumber(node.sharedHitBlocks ?? 0)} · read ${formatNumber(node.sharedReadBlocks ?? 0)}`;
}

/** "33× more rows than estimated" (or fewer); null when the node was not flagged. */
export function misestimateText(node: PlanNode): string | null {
  if (!node.misestimated || node.misestimate === null || node.actualRows === null) return null;
  const direction = node.actualRows > node.estimatedRows ? 'more' : 'fewer';
  return `${formatNumber(Math.round(node.misestimate))}× ${direction} rows than estimated`;
}

export interface PlanSummary {
  nodes: number;
  costly: number;
  misestimated: number;
  /** The deepest level (the root is 1). */
  depth: number;
}

export function summarizePlan(root: PlanNode): PlanSummary {
  const summary: PlanSummary = { nodes: 0, costly: 0, misestimated: 0, depth: 0 };
  const visit = (node: PlanNode, level: number) => {
    summary.nodes += 1;
    if (node.costly) summary.costly += 1;
    if (node.misestimated) summary.misestimated += 1;
    summary.depth = Math.max(summary.depth, level);
    for (const child of node.children) visit(child, level + 1);
  };
  visit(root, 1);
  return summary;
}

/** The raw EXPLAIN output, indented for reading and copying. */
export function rawPlanText(raw: unknown): string {
  return JSON.stringify(raw, null, 2) ?? 'null';
}
