import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { misestimateRatio, nodeTypeName, ownCost, PlanFormatError, planTreeFromExplain } from '@/lib/statements/plan-tree';
import type { PlanNode } from '@/lib/statements/statements-model';

/** EXPLAIN (FORMAT JSON …) output captured from the sandbox's Postgres 15; see fixtures/explain/README.md. */
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/explain', name), 'utf8'));
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

describe('plain EXPLAIN (no ANALYZE)', () => {
  const { root, planningTimeMs, executionTimeMs } = planTreeFromExplain(fixture('orders-by-tenant-plain.json'));
  const [limit, sort, heapScan, indexScan] = flatten(root);

  it('keeps the tree shape, relation and index of each node', () => {
    expect(flatten(root).map((node) => node.nodeType)).toEqual(['Limit', 'Sort', 'Bitmap Heap Scan', 'Bitmap Index Scan']);
    expect(heapScan.relation).toBe('orders');
    expect(indexScan.index).toBe('orders_pkey');
    expect(limit.relation).toBeNull();
  });

  it('turns conditions and sort keys into "Label: value" lines', () => {
    expect(sort.details).toEqual(['Sort Key: created_at DESC']);
    expect(heapScan.details).toEqual([
      "Recheck Cond: (tenant_id = 'a1641ce5-276d-4fb1-9e5a-0bf527fac48f'::uuid)",
      "Filter: (status = 'open'::text)",
    ]);
    expect(indexScan.details).toEqual(["Index Cond: (tenant_id = 'a1641ce5-276d-4fb1-9e5a-0bf527fac48f'::uuid)"]);
  });

  it('has estimates only: no actual rows, times, buffers or misestimates', () => {
    expect(heapScan).toMatchObject({ startupCost: 24.15, totalCost: 146.65, estimatedRows: 450 });
    for (const node of flatten(root)) {
      expect(node).toMatchObject({ actualRows: null, loops: null, actualTotalTimeMs: null, exclusiveTimeMs: null, sharedHitBlocks: null, misestimate: null, misestimated: false });
    }
    expect(planningTimeMs).toBeNull();
    expect(executionTimeMs).toBeNull();
  });

  it('marks the costliest nodes by own cost (total minus children), at most half of a small plan', () => {
    expect(ownCost(heapScan)).toBeCloseTo(146.65 - 24.04, 6);
    expect(ownCost(limit)).toBe(0); // a Limit's total is below its input's: it stops early
    expect(flatten(root).filter((node) => node.costly)).toEqual([heapScan, indexScan]);
  });
});

describe('EXPLAIN ANALYZE with loops and a subplan', () => {
  const { root, planningTimeMs, executionTimeMs } = planTreeFromExplain(fixture('user-orders-nested-loop-analyze.json'));
  const [nestedLoop, usersScan, materialize, ordersIndexScan, subplanAggregate, subplanScan] = flatten(root);

  it('counts actual rows and time over all loops', () => {
    expect(materialize.loops).toBe(50);
    expect(materialize.actualRows).toBe(57 * 50);
    expect(materialize.actualTotalTimeMs).toBeCloseTo(0.009 * 50, 9);
    expect(subplanScan.actualRows).toBe(10 * 57);
    expect(subplanScan.actualTotalTimeMs).toBeCloseTo(0.572 * 57, 9);
  });

  it("gives each node's exclusive time: its total minus its children's totals", () => {
    expect(nestedLoop.exclusiveTimeMs).toBeCloseTo(33.425 - (0.096 + 0.009 * 50 + 0.574 * 57), 9);
    expect(materialize.exclusiveTimeMs).toBeCloseTo(0.45 - 0.37, 9);
    expect(subplanAggregate.exclusiveTimeMs).toBeCloseTo((0.574 - 0.572) * 57, 9);
    expect(subplanScan.exclusiveTimeMs).toBeCloseTo(32.604, 9);
    expect(usersScan.exclusiveTimeMs).toBeCloseTo(0.096, 9);
  });

  it('flags a misestimate above 10× per loop, not one of exactly 10×', () => {
    expect(nestedLoop.misestimate).toBeCloseTo(57 / 2, 9);
    expect(nestedLoop.misestimated).toBe(true);
    expect(subplanScan.misestimate).toBe(10); // estimated 1 row per loop, found 10
    expect(subplanScan.misestimated).toBe(false);
    expect(ordersIndexScan.misestimate).toBeCloseTo(57 / 50, 9);
  });

  it('marks the top 3 nodes by exclusive time as costly', () => {
    expect(flatten(root).filter((node) => node.costly)).toEqual([nestedLoop, ordersIndexScan, subplanScan]);
  });

  it('names the subplan and reads buffers and the summary times', () => {
    expect(subplanAggregate.details).toContain('Subplan: SubPlan 1');
    expect(subplanScan.details).toContain(`Rows Removed by Filter: ${9990 * 57} (9990 per loop)`);
    expect(nestedLoop.details).toContain('Rows Removed by Join Filter: 2793');
    expect(nestedLoop.sharedHitBlocks).toBe(6682);
    expect(nestedLoop.sharedReadBlocks).toBe(0);
    expect(planningTimeMs).toBe(0.385);
    expect(executionTimeMs).toBe(33.499);
  });
});

describe('node names as Postgres prints them', () => {
  it('names joins by their join type and aggregates by their strategy', () => {
    const semiJoin = planTreeFromExplain(fixture('big-spenders-semi-join-analyze.json')).root;
    expect(semiJoin.nodeType).toBe('Hash Semi Join');
    expect(semiJoin.details).toEqual(['Hash Cond: (u.id = o.user_id)']);
    expect(semiJoin.misestimated).toBe(true); // 2 estimated, 30 found

    const grouped = flatten(planTreeFromExplain(fixture('top-refund-users-analyze.json')).root);
    expect(grouped.map((node) => node.nodeType)).toEqual([
      'Limit',
      'Sort',
      'GroupAggregate',
      'Sort',
      'Hash Join',
      'Bitmap Heap Scan',
      'Bitmap Index Scan',
      'Hash',
      'Seq Scan',
    ]);
    expect(grouped[2].details).toEqual(['Group Key: u.email']);
    expect(grouped[0].details).toEqual([]);
    expect(grouped[1].details).toEqual(['Sort Key: (sum(o.amount_cents)) DESC']);
  });

  it('prefixes parallel nodes and names hashed aggregates and DML', () => {
    const base = { 'Startup Cost': 0, 'Total Cost': 1, 'Plan Rows': 1 };
    expect(nodeTypeName({ ...base, 'Node Type': 'Seq Scan', 'Parallel Aware': true })).toBe('Parallel Seq Scan');
    expect(nodeTypeName({ ...base, 'Node Type': 'Aggregate', Strategy: 'Hashed' })).toBe('HashAggregate');
    expect(nodeTypeName({ ...base, 'Node Type': 'Aggregate', Strategy: 'Plain' })).toBe('Aggregate');
    expect(nodeTypeName({ ...base, 'Node Type': 'Nested Loop', 'Join Type': 'Left' })).toBe('Nested Loop Left Join');
    expect(nodeTypeName({ ...base, 'Node Type': 'Merge Join', 'Join Type': 'Anti' })).toBe('Merge Anti Join');
    expect(nodeTypeName({ ...base, 'Node Type': 'ModifyTable', Operation: 'Update' })).toBe('Update');
  });
});

describe('edge cases', () => {
  it('does not count a node that never ran as misestimated', () => {
    expect(misestimateRatio(500, 0, 0)).toBeNull();
    // Estimating 1 row and finding none is no surprise; estimating 500 and finding none is.
    expect(misestimateRatio(1, 0, 1)).toBe(1);
    expect(misestimateRatio(500, 0, 1)).toBe(500);
  });

  it('clamps exclusive time at zero when parallel workers add up to more than the wall clock', () => {
    const gather = {
      Plan: {
        'Node Type': 'Gather',
        'Startup Cost': 1000,
        'Total Cost': 2000,
        'Plan Rows': 100,
        'Actual Rows': 100,
        'Actual Loops': 1,
        'Actual Total Time': 10,
        Plans: [{ 'Node Type': 'Seq Scan', 'Parallel Aware': true, 'Relation Name': 'events', 'Startup Cost': 0, 'Total Cost': 1500, 'Plan Rows': 33, 'Actual Rows': 33, 'Actual Loops': 3, 'Actual Total Time': 9 }],
      },
    };
    const { root } = planTreeFromExplain([gather]);
    expect(root.children[0].actualTotalTimeMs).toBe(27);
    expect(root.exclusiveTimeMs).toBe(0);
    expect(root.children[0].nodeType).toBe('Parallel Seq Scan');
  });

  it('refuses output that is not EXPLAIN JSON', () => {
    expect(() => planTreeFromExplain([{ 'QUERY PLAN': 'Seq Scan on orders' }])).toThrow(PlanFormatError);
    expect(() => planTreeFromExplain(null)).toThrow(PlanFormatError);
  });
});
