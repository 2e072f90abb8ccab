'use client';

import { CopyButton } from '@/components/tenants/CopyButton';
import { formatNumber, formatPercent } from '@/lib/format';
import { useSuggestIndexMutation } from '@/lib/queries/statements/suggest-index-mutation';

/**
 * Asks the node to try hypothetical indexes (HypoPG) on the columns the plan
 * filters or joins on, and shows the one kept (cost before → after, and the
 * CREATE INDEX CONCURRENTLY to copy) or why none was. The console never runs
 * DDL on a shard: creating the index is the operator's step.
 */
export function IndexSuggestionPanel({
  statementHash,
  nodeId,
  params,
  disabledReason,
}: {
  statementHash: string;
  nodeId: string;
  params: (string | null)[] | null;
  disabledReason: string | null;
}) {
  const mutation = useSuggestIndexMutation();
  const answer = mutation.data;
  return (
    <div className="index-suggestion" data-testid="index-suggestion">
      <h3>Suggested index</h3>
      <div className="control-row">
        <button
          type="button"
          className="small"
          disabled={mutation.isPending || disabledReason !== null || params === null}
          onClick={() => params && mutation.mutate({ statementHash, nodeId, params })}
          data-testid="suggest-index-button"
        >
          {mutation.isPending ? 'Trying hypothetical indexes…' : 'Suggest an index'}
        </button>
        <span className="subtle">{disabledReason ?? `on ${nodeId}, with the parameters above`}</span>
      </div>
      {mutation.error ? (
        <div className="field-error" role="alert" data-testid="suggest-index-error">
          {mutation.error.message}
        </div>
      ) : null}
      {answer ? (
        <div className={`suggestion-result${mutation.isPending ? ' refreshing' : ''}`} data-testid="suggestion-result" data-kept={answer.suggestion !== null}>
          {!answer.hypopgAvailable ? <p className="warn-text">HypoPG is not installed on {answer.nodeId}: no hypothetical index could be tried.</p> : null}
          {answer.suggestion ? (
            <>
              <p>
                Index on <span className="mono">{answer.suggestion.table}</span> ({answer.suggestion.columns.join(', ')}): estimated cost{' '}
                <strong>{formatCost(answer.costBefore)}</strong> → <strong>{formatCost(answer.suggestion.costAfter)}</strong> (
                {formatPercent(answer.suggestion.improvementPct)} lower).
              </p>
              <div className="create-index">
                <pre className="mono" data-testid="create-index-sql">
                  {answer.suggestion.createIndexSql}
                </pre>
                <CopyButton value={answer.suggestion.createIndexSql} label="Copy CREATE INDEX statement" />
              </div>
            </>
          ) : (
            <p data-testid="suggestion-none">
              No index kept{answer.costBefore !== null ? ` (estimated cost now ${formatCost(answer.costBefore)})` : ''}.
            </p>
          )}
          {answer.note ? <p className="subtle">{answer.note}</p> : null}
          <p className="subtle">
            Tried on <span className="mono">{answer.nodeId}</span>. Rule: {answer.rule}
          </p>
          {answer.tried.length > 0 ? (
            <details>
              <summary className="subtle">
                {answer.tried.length} candidate{answer.tried.length === 1 ? '' : 's'} tried
              </summary>
              <ul className="tried-list">
                {answer.tried.map((candidate) => (
                  <li key={`${candidate.table}(${candidate.columns.join(',')})`}>
                    <span className="mono">
                      {candidate.table} ({candidate.columns.join(', ')})
                    </span>
                    : cost {formatCost(candidate.costAfter)}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function formatCost(cost: number | null): string {
  return cost === null ? '—' : formatNumber(cost);
}
