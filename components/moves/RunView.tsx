'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useRunQuery } from '@/lib/queries/moves/run-query';
import { MoveCard } from './MoveCard';
import { formatDuration, statusTone } from './move-view';

/** One rebalance run: its status and each of its moves, polled every 2 s while any is queued or running. */
export function RunView({ runId, canAdminister }: { runId: string; canAdminister: boolean }) {
  const { data: run, error, isPending, dataUpdatedAt } = useRunQuery(runId);
  if (isPending) return <Skeleton count={2} />;
  if (!run) return <AlertError subject="rebalance run" error={error} />;
  const done = run.moves.filter((move) => move.status === 'done').length;
  return (
    <div data-testid="run" data-run-id={run.id} data-status={run.status}>
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      <p>
        <span className={`badge ${statusTone(run.status)}`} data-testid="run-status">
          {run.status}
        </span>{' '}
        <span data-testid="run-counts">
          {done} of {run.moves.length} {run.moves.length === 1 ? 'move' : 'moves'} done
        </span>
        <span className="subtle">
          {' '}
          · started by {run.createdBy} at {new Date(run.createdAt).toLocaleString()} · {formatDuration(run.createdAt, run.finishedAt, dataUpdatedAt)}
        </span>
      </p>
      {run.moves.map((move) => (
        <MoveCard key={move.id} move={move} canAdminister={canAdminister} observedAt={dataUpdatedAt} />
      ))}
    </div>
  );
}
