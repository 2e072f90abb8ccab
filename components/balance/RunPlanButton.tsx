'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatMs } from '@/components/moves/move-view';
import { formatBytes } from '@/lib/format';
import { useStartRunMutation } from '@/lib/queries/moves/start-run-mutation';
import { estimateWriteBlockMs } from '@/lib/rebalance/move-estimate';
import type { Plan } from '@/lib/rebalance/rebalance-model';

/**
 * Admins only (the API refuses others too). Asks for an explicit confirmation
 * naming what will move, then starts the run (the server re-checks the plan)
 * and opens its page, where each move's progress shows.
 */
export function RunPlanButton({ plan }: { plan: Plan }) {
  const router = useRouter();
  const mutation = useStartRunMutation();
  const [confirming, setConfirming] = useState(false);
  const count = plan.moves.length;
  const bytes = plan.moves.reduce((sum, move) => sum + move.bytes, 0);
  const largest = plan.moves.reduce((max, move) => Math.max(max, move.bytes), 0);
  const names = plan.moves.map((move) => move.name);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');

  function run() {
    mutation.mutate(plan, { onSuccess: ({ runId }) => router.push(`/balance/runs/${runId}`) });
  }

  return (
    <div className="run-plan" data-testid="run-plan">
      {confirming ? (
        <span className="confirm" role="group" aria-label="confirm run" data-testid="run-plan-confirm">
          Move {count} {count === 1 ? 'tenant' : 'tenants'} ({shown}), copying {formatBytes(bytes)}? Each tenant keeps writing while it copies; its
          writes pause from its fence to its switch (about {formatMs(estimateWriteBlockMs('logical', largest))} for the largest).{' '}
          <button className="danger" disabled={mutation.isPending || mutation.isSuccess} onClick={run} data-testid="run-plan-yes">
            Yes, run the plan
          </button>{' '}
          <button className="link" disabled={mutation.isPending} onClick={() => setConfirming(false)}>
            No
          </button>
        </span>
      ) : (
        <button type="button" disabled={count === 0} onClick={() => setConfirming(true)} data-testid="run-plan-button">
          Run plan…
        </button>
      )}
      {mutation.error ? (
        <p className="field-error" role="alert" data-testid="run-plan-error">
          {mutation.error.message}
        </p>
      ) : null}
    </div>
  );
}
