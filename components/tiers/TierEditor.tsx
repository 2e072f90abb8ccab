'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useTiersQuery } from '@/lib/queries/tiers/tiers-query';
import { TierRowEditor } from './TierRowEditor';

/** The four tiers × four limits, each tier saved on its own. */
export function TierEditor() {
  const { data, error, isPending } = useTiersQuery();
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="tiers" error={error} />;
  return (
    <div className="card">
      <table className="tier-editor" data-testid="tier-editor">
        <thead>
          <tr>
            <th>Tier</th>
            <th>Connections</th>
            <th>API calls per hour</th>
            <th>Storage</th>
            <th>Users</th>
            <th />
          </tr>
        </thead>
        {data.tiers.map((tier) => (
          <TierRowEditor key={tier.tier} saved={tier} tiers={data.tiers} />
        ))}
      </table>
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
    </div>
  );
}
