'use client';

import { useState } from 'react';
import { useCancelMoveMutation } from '@/lib/queries/moves/cancel-move-mutation';
import { cancellable, type MovePhase, type MoveStatus, type MoveStrategy } from '@/lib/rebalance/move-model';

interface Props {
  moveId: string;
  tenantName: string;
  strategy: MoveStrategy;
  phase: MovePhase;
  status: MoveStatus;
  cancelRequested: boolean;
}

/** Admin only, and only before the switch: cancel rolls the move back (audited). */
export function CancelMoveButton({ moveId, tenantName, strategy, phase, status, cancelRequested }: Props) {
  const mutation = useCancelMoveMutation();
  const [confirming, setConfirming] = useState(false);
  const open = status === 'queued' || (status === 'running' && cancellable(strategy, phase));
  if (cancelRequested && status === 'running') return <span className="subtle" data-testid="cancel-requested">cancel requested: rolling back at the next checkpoint</span>;
  if (!open) return null;
  return (
    <span data-testid="move-cancel">
      {confirming ? (
        <span className="confirm" role="group" aria-label="confirm cancel">
          Cancel the move of {tenantName}? It is rolled back and the tenant stays where it is.{' '}
          <button className="danger" disabled={mutation.isPending} onClick={() => mutation.mutate(moveId, { onSettled: () => setConfirming(false) })}>
            Yes, cancel the move
          </button>{' '}
          <button className="link" onClick={() => setConfirming(false)}>
            No
          </button>
        </span>
      ) : (
        <button type="button" className="small" onClick={() => setConfirming(true)}>
          Cancel move…
        </button>
      )}
      {mutation.error ? (
        <span className="field-error" role="alert">
          {' '}
          {mutation.error.message}
        </span>
      ) : null}
    </span>
  );
}
