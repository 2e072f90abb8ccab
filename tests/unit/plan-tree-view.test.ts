import { describe, expect, it } from 'vitest';
import { misestimateText, planBuffersText, planCostText, planNodeTitle, planRowsText, planTimeText, rawPlanText, summarizePlan } from '@/components/queries/plan-tree-view';
import type { PlanNode } from '@/lib/statements/statements-model';

function node(overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    nodeType: 'Seq Scan',
    relation: null,
    index: null,
    details: [],
    startupCost: 0,
    totalCost: 10,
    estimatedRows: 100,
    actualRows: null,
    loops: null,
    actualTotalTimeMs: null,
    exclusiveTimeMs: null,
    sharedHitBlocks: null,
    sharedReadBlocks: null,
    misestimate: null,
    misestimated: false,
    costly: false,
    children: [],
    ...overrides,
  };
}

describe('plan nodes in words', () => {
  it('names the node with its relation and index', () => {
    expect(planNodeTitle(node({ nodeType: 'Index Scan', relation: 'orders', index: 'orders_pkey' }))).toBe('Index Scan on orders using orders_pkey');
    expect(planNodeTitle(node({ nodeType: 'Hash Join' }))).toBe('Hash Join');
  });

  it('shows estimated rows alone on a plain EXPLAIN, against actual rows and loops when analyzed', () => {
    expect(planRowsText(node())).toBe('est 100 rows');
    expect(planRowsText(node({ actualRows: 4000, loops: 3 }))).toBe('est 100 · actual 4k rows × 3 loops');
    expect(planCostText(node({ startupCost: 0.29, totalCost: 8.3 }))).toBe('cost 0.29..8.30');
  });

  it('shows time and buffers only when analyzed', () => {
    expect(planTimeText(node())).toBeNull();
    expect(planTimeText(node({ actualTotalTimeMs: 4.2, exclusiveTimeMs: 1.1 }))).toBe('4.2 ms (1.1 ms in this node)');
    expect(planBuffersText(node())).toBeNull();
    expect(planBuffersText(node({ sharedHitBlocks: 120, sharedReadBlocks: null }))).toBe('buffers hit 120 · read 0');
  });

  it('says which way a flagged misestimate went, and nothing for an unflagged one', () => {
    expect(misestimateText(node({ actualRows: 3300, misestimate: 33, misestimated: true }))).toBe('33× more rows than estimated');
    expect(misestimateText(node({ actualRows: 1, estimatedRows: 500, misestimate: 500, misestimated: true }))).toBe('500× fewer rows than estimated');
    expect(misestimateText(node({ actualRows: 300, misestimate: 3, misestimated: false }))).toBeNull();
  });

  it('counts nodes, costly and misestimated ones, and the depth of the tree', () => {
    const root = node({ nodeType: 'Limit', children: [node({ nodeType: 'Sort', costly: true, children: [node({ misestimated: true }), node()] })] });
    expect(summarizePlan(root)).toEqual({ nodes: 4, costly: 1, misestimated: 1, depth: 3 });
  });

  it('indents the raw JSON for copying', () => {
    expect(rawPlanText([{ Plan: { 'Node Type': 'Result' } }])).toBe('[\n  {\n    "Plan": {\n      "Node Type": "Result"\n    }\n  }\n]');
  });
});
