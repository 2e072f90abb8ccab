'use client';

import { useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { useShardStatusMutation } from '@/lib/queries/balance/shard-status-mutation';
import type { ShardStatus } from '@/lib/rebalance/rebalance-model';
import { shardStatusAction } from './shard-status-view';

/**
 * Admin only (the API refuses others too): mark a shard draining or active
 * again, behind a confirmation. Audited server-side; the report refetches.
 */
export function ShardStatusToggle({ shard }: { shard: { shardId: string; name: string; status: ShardStatus } }) {
  const mutation = useShardStatusMutation();
  const [confirming, setConfirming] = useState(false);
  const action = shardStatusAction(shard);
  if (!action) return <span className="subtle">from the fleet file</span>;

  return (
    <span className="shard-status-toggle" data-testid="shard-status-toggle" data-shard-id={shard.shardId}>
      {confirming ? (
        <span className="confirm" role="group" aria-label={`confirm status change of ${shard.shardId}`}>
          {action.confirm}{' '}
          <button
            type="button"
            className="danger"
            disabled={mutation.isPending}
            onClick={() => mutation.mutate({ shardId: shard.shardId, status: action.next }, { onSettled: () => setConfirming(false) })}
          >
            Yes, mark {action.next}
          </button>{' '}
          <button type="button" className="link" onClick={() => setConfirming(false)}>
            No
          </button>
        </span>
      ) : (
        <button type="button" className="small" disabled={mutation.isPending} onClick={() => setConfirming(true)}>
          {action.label}…
        </button>
      )}
      {mutation.error ? (
        <span className="field-error" role="alert">
          {' '}
          {mutation.error instanceof ApiClientError && mutation.error.field ? `${mutation.error.field}: ` : ''}
          {mutation.error.message}
        </span>
      ) : null}
    </span>
  );
}
