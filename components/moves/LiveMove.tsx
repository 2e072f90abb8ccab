'use client';

import Link from 'next/link';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useMoveQuery } from '@/lib/queries/moves/move-query';
import { MoveCard } from './MoveCard';

/** One move by id, polled every 2 s until it has finished; links to its run when it belongs to one. */
export function LiveMove({ moveId, canAdminister }: { moveId: string; canAdminister: boolean }) {
  const { data: move, error, isPending, dataUpdatedAt } = useMoveQuery(moveId);
  if (isPending) return <Skeleton />;
  if (!move) return <AlertError subject="move" error={error} />;
  return (
    <>
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      <MoveCard move={move} canAdminister={canAdminister} observedAt={dataUpdatedAt} />
      {move.runId ? (
        <p>
          <Link href={`/balance/runs/${move.runId}`}>the run this move belongs to</Link>
        </p>
      ) : null}
    </>
  );
}
