'use client';

import { useMemo, useState } from 'react';
import { CopyButton } from '@/components/tenants/CopyButton';
import type { ExplainResult } from '@/lib/statements/statements-model';
import { PlanTree } from './PlanTree';
import { rawPlanText, summarizePlan } from './plan-tree-view';
import { formatMs } from './statement-figures-view';

/** One EXPLAIN answer: where it ran, timings, the tree, and the raw JSON to copy (folded away until asked). */
export function ExplainResultView({ result, refreshing }: { result: ExplainResult; refreshing: boolean }) {
  const [showRaw, setShowRaw] = useState(false);
  const summary = useMemo(() => summarizePlan(result.root), [result.root]);
  const raw = useMemo(() => rawPlanText(result.raw), [result.raw]);
  return (
    <div
      className={`explain-result${refreshing ? ' refreshing' : ''}`}
      data-testid="explain-result"
      data-analyze={result.analyze}
      data-node-id={result.nodeId}
      data-plan-nodes={summary.nodes}
    >
      <p className="subtle">
        {result.analyze ? 'EXPLAIN (ANALYZE, BUFFERS)' : 'EXPLAIN'} on <span className="mono">{result.nodeId}</span> ({result.shardId}) · {summary.nodes} plan
        node{summary.nodes === 1 ? '' : 's'}
        {result.planningTimeMs !== null ? ` · planning ${formatMs(result.planningTimeMs)}` : ''}
        {result.executionTimeMs !== null ? ` · execution ${formatMs(result.executionTimeMs)}` : ''}
        {summary.misestimated > 0 ? ` · ${summary.misestimated} misestimated` : ''}
      </p>
      <PlanTree root={result.root} />
      <div className="raw-plan">
        <button type="button" className="small" aria-expanded={showRaw} onClick={() => setShowRaw(!showRaw)} data-testid="raw-plan-toggle">
          {showRaw ? 'Hide raw JSON' : 'Raw JSON'}
        </button>
        <CopyButton value={raw} label="Copy raw plan JSON" />
        {showRaw ? (
          <pre className="raw-plan-json" data-testid="raw-plan">
            {raw}
          </pre>
        ) : null}
      </div>
    </div>
  );
}
