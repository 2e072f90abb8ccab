'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { useIndexAdviceQuery } from '@/lib/queries/statements/index-advice-query';
import { IndexAdviceSections } from './IndexAdviceSections';
import { adviceCounts, reclaimableText, statsAreYoung, statsResetText } from './index-advice-view';

/** A shard's index advice, read on its primary: what to index, what to drop, what to vacuum or analyze. */
export function IndexAdviceView({ shardId }: { shardId: string }) {
  const { data: advice, error, isPending, isFetching, refetch } = useIndexAdviceQuery(shardId);
  if (isPending) return <Skeleton count={2} />;
  if (error && !advice) return <AlertError subject="index advice" error={error} />;
  if (!advice) return null;
  const counts = adviceCounts(advice);
  return (
    <section className="index-advice" data-testid="index-advice" data-node-id={advice.nodeId} aria-busy={isFetching}>
      <div className="card">
        <header>
          <h2>
            Read on <span className="mono">{advice.nodeId}</span>
          </h2>
          <button type="button" className="small" onClick={() => refetch()} disabled={isFetching} data-testid="index-advice-refresh">
            {isFetching ? 'Reading…' : 'Refresh'}
          </button>
        </header>
        <p className={statsAreYoung(advice.statsResetAt) ? 'warn-text' : 'subtle'} data-testid="stats-reset" data-stats-reset-at={advice.statsResetAt ?? ''}>
          {statsResetText(advice.statsResetAt)}
          {statsAreYoung(advice.statsResetAt) ? ' That is under a week: a weekly job may not have used an index yet.' : ''}
        </p>
        <ul className="advice-counts">
          {counts.map((count) => (
            <li key={count.key} data-testid="advice-count" data-section={count.key} data-count={count.count}>
              <a href={`#advice-${count.key}`}>{count.label}</a>{' '}
              <StatusBadge tone={count.count === 0 ? 'ok' : count.key === 'invalid' ? 'bad' : 'warn'}>{count.count}</StatusBadge>
              {reclaimableText(count) ? <span className="subtle"> · {reclaimableText(count)}</span> : null}
            </li>
          ))}
        </ul>
      </div>
      <IndexAdviceSections advice={advice} />
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
    </section>
  );
}
