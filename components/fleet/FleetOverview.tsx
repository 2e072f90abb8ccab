'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useFleetOverviewQuery } from '@/lib/queries/fleet/fleet-overview-query';
import { ShardCard } from './ShardCard';

export function FleetOverview() {
  const { data, error, isPending, dataUpdatedAt } = useFleetOverviewQuery();

  if (isPending) {
    return (
      <div className="grid">
        <Skeleton count={2} />
      </div>
    );
  }
  if (error && !data) return <AlertError subject="the fleet overview" error={error} />;

  const nodeCount = data.shards.reduce((total, shard) => total + shard.nodes.length, 0);
  const nodesDown = data.shards.reduce((total, shard) => total + shard.nodes.filter((node) => !node.up).length, 0);
  return (
    <>
      <p className="subtle" data-testid="fleet-summary">
        {data.shards.length} shards · {nodeCount} nodes · {nodesDown} down · updated {new Date(dataUpdatedAt).toLocaleTimeString()}
        {error ? ' · last refresh failed, showing the previous answer' : ''}
      </p>
      <div className="grid">
        {data.shards.map((shard) => (
          <ShardCard key={shard.id} shard={shard} />
        ))}
      </div>
    </>
  );
}
