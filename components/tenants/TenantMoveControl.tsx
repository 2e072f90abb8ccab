'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { LiveMove } from '@/components/moves/LiveMove';
import { formatMs } from '@/components/moves/move-view';
import { formatBytes } from '@/lib/format';
import { useFleetOverviewQuery } from '@/lib/queries/fleet/fleet-overview-query';
import { useStartMoveMutation } from '@/lib/queries/moves/start-move-mutation';
import { useTenantUsageQuery } from '@/lib/queries/tenants/tenant-usage-query';
import { estimateWriteBlockMs } from '@/lib/rebalance/move-estimate';
import type { MoveStrategy } from '@/lib/rebalance/move-model';
import type { TenantDetail } from '@/lib/tenants/tenant-model';

/** What each strategy costs the tenant's writes, in the confirmation. */
function writeBlockNote(strategy: MoveStrategy, bytes: number | null): string {
  const estimate = bytes === null ? null : formatMs(estimateWriteBlockMs(strategy, bytes));
  if (strategy === 'copy') {
    return `Its writes are refused from the start of the copy to the switch${estimate ? `: about ${estimate}` : ' (no storage measured yet to estimate it)'}.`;
  }
  return `Its writes pause only from the fence to the switch${estimate ? `: about ${estimate}` : ''}.`;
}

/**
 * Admin only (the API refuses others too): move the tenant to another shard
 * behind a confirmation that names the write block to expect. The logical
 * strategy copies while the tenant keeps writing; the copy strategy (for
 * shards whose role may not create subscriptions) fences first, so the block
 * lasts the whole copy. The started move shows below, live; its id goes into
 * the URL (?move=) so a reload keeps showing it.
 */
export function TenantMoveControl({ tenant }: { tenant: TenantDetail }) {
  const router = useRouter();
  const pathname = usePathname();
  const moveId = useSearchParams().get('move');
  const fleet = useFleetOverviewQuery();
  const bytes = useTenantUsageQuery(tenant.id).data?.usage.storage.used ?? null;
  const mutation = useStartMoveMutation(tenant.id);
  const [target, setTarget] = useState('');
  const [strategy, setStrategy] = useState<MoveStrategy>('logical');
  const [confirming, setConfirming] = useState(false);
  const targets = (fleet.data?.shards ?? []).filter((shard) => shard.id !== tenant.shardId);

  function start() {
    mutation.mutate({ targetShardId: target, strategy }, {
      onSuccess: ({ moveId: started }) => router.replace(`${pathname}?move=${encodeURIComponent(started)}`),
      onSettled: () => setConfirming(false),
    });
  }

  return (
    <div className="admin-controls" data-testid="tenant-move">
      <div className="control-row">
        <label>
          Move to
          <select value={target} onChange={(event) => setTarget(event.target.value)} disabled={mutation.isPending} data-testid="move-target">
            <option value="">choose a shard…</option>
            {targets.map((shard) => (
              <option key={shard.id} value={shard.id}>
                {shard.name === shard.id ? shard.id : `${shard.name} (${shard.id})`}
              </option>
            ))}
          </select>
        </label>
        <label>
          by
          <select value={strategy} onChange={(event) => setStrategy(event.target.value as MoveStrategy)} disabled={mutation.isPending} data-testid="move-strategy">
            <option value="logical">logical replication (writes go on while it copies)</option>
            <option value="copy">copy (no subscriptions needed; writes refused while it copies)</option>
          </select>
        </label>
        {confirming ? (
          <span className="confirm" role="group" aria-label="confirm move">
            Move {tenant.name} from {tenant.shardId} to {target}
            {bytes === null ? '' : `, copying ${formatBytes(bytes)}`}? <span data-testid="move-write-block-estimate">{writeBlockNote(strategy, bytes)}</span>{' '}
            <button className="danger" disabled={mutation.isPending} onClick={start} data-testid="move-yes">
              Yes, move it
            </button>{' '}
            <button className="link" onClick={() => setConfirming(false)}>
              No
            </button>
          </span>
        ) : (
          <button type="button" className="small" disabled={target === '' || mutation.isPending} onClick={() => setConfirming(true)} data-testid="move-button">
            Move to…
          </button>
        )}
        <Link href="/balance/runs" className="subtle">
          rebalance runs
        </Link>
      </div>
      {fleet.error && !fleet.data ? <p className="subtle">shards unavailable: {fleet.error.message}</p> : null}
      {mutation.error ? (
        <p className="field-error" role="alert" data-testid="move-start-error">
          {mutation.error.message}
        </p>
      ) : null}
      {moveId ? <LiveMove moveId={moveId} canAdminister /> : null}
    </div>
  );
}
