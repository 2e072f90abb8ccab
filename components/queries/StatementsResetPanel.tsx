'use client';

import { useState } from 'react';
import { useStatementsResetMutation } from '@/lib/queries/statements/statements-reset-mutation';
import type { TopologyNode } from './explain-form-view';

/**
 * Admins only (the page leaves it out for other roles; the server refuses
 * them anyway): pg_stat_statements_reset() per node, behind an inline
 * confirmation, audited by the server. The statements page then counts that
 * node from the reset on.
 */
export function StatementsResetPanel({ shardId, nodes }: { shardId: string; nodes: TopologyNode[] }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const mutation = useStatementsResetMutation(shardId);
  return (
    <section className="card panel statements-reset" data-testid="statements-reset">
      <header>
        <h2>Reset statement statistics</h2>
        <span className="subtle">admin · audited</span>
      </header>
      <p className="subtle">
        Clears pg_stat_statements on one node: totals start again from zero (the worker&apos;s snapshots keep the history, and the reset shows on the queries page).
        Table and index statistics — the dates above — are not touched.
      </p>
      <ul className="reset-nodes">
        {nodes.map((node) => (
          <li key={node.id} data-testid="reset-node" data-node-id={node.id}>
            <span className="mono">{node.id}</span> <span className="subtle">({node.role})</span>{' '}
            {confirming === node.id ? (
              <span className="confirm" role="group" aria-label={`confirm reset on ${node.id}`}>
                Reset every statement counter on {node.id}?{' '}
                <button
                  type="button"
                  className="danger"
                  disabled={mutation.isPending}
                  onClick={() => mutation.mutate(node.id, { onSettled: () => setConfirming(null) })}
                  data-testid="reset-confirm"
                >
                  Yes, reset
                </button>{' '}
                <button type="button" className="link" onClick={() => setConfirming(null)}>
                  No
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="small"
                onClick={() => {
                  mutation.reset();
                  setConfirming(node.id);
                }}
                aria-label={`Reset statement statistics on ${node.id}`}
                data-testid="reset-button"
              >
                Reset
              </button>
            )}
            {mutation.data?.nodeId === node.id ? (
              <span className="ok-text" data-testid="reset-done">
                {' '}
                reset at {new Date(mutation.data.resetAt).toLocaleString()}
              </span>
            ) : null}
            {mutation.error && mutation.variables === node.id ? <span className="field-error"> {mutation.error.message}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
