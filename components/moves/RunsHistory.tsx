'use client';

import Link from 'next/link';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useRunsQuery } from '@/lib/queries/moves/runs-query';
import { formatDuration, formatMs, statusTone } from './move-view';

/** Rebalance runs, newest first: status, who and when, how long, moves done and failed, the longest write block. */
export function RunsHistory() {
  const { data, error, isPending, dataUpdatedAt } = useRunsQuery();
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="rebalance runs" error={error} />;
  if (data.runs.length === 0) return <p className="subtle" data-testid="runs-empty">No rebalance has run yet. Plan one on the balance page and run it.</p>;
  return (
    <div className="card">
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      <table data-testid="runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Started by</th>
            <th>Started</th>
            <th className="num">Duration</th>
            <th className="num">Moves</th>
            <th className="num">Done</th>
            <th className="num">Failed</th>
            <th className="num">Longest write block</th>
          </tr>
        </thead>
        <tbody>
          {data.runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-status={run.status}>
              <td className="mono">
                <Link href={`/balance/runs/${run.id}`}>{run.id.slice(0, 8)}</Link>
              </td>
              <td>
                <span className={`badge ${statusTone(run.status)}`}>{run.status}</span>
              </td>
              <td>{run.createdBy}</td>
              <td title={run.createdAt}>{new Date(run.createdAt).toLocaleString()}</td>
              <td className="num">{formatDuration(run.createdAt, run.finishedAt, dataUpdatedAt)}</td>
              <td className="num">{run.moves}</td>
              <td className="num">{run.done}</td>
              <td className="num">
                {run.failed}
                {run.cancelled > 0 ? <span className="subtle"> (+{run.cancelled} cancelled)</span> : null}
              </td>
              <td className="num">{formatMs(run.maxWriteBlockMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
