import { Suspense } from 'react';
import { FleetOverview } from '@/components/fleet/FleetOverview';
import { FleetHistoryCharts } from '@/components/history/FleetHistoryCharts';
import { WorkerStatusLine } from '@/components/history/WorkerStatusLine';
import { Skeleton } from '@/components/ui/Skeleton';

export default function FleetOverviewPage() {
  return (
    <>
      <h1>Fleet overview</h1>
      <p className="subtle">Every shard and node, probed live. A node that does not answer within the timeout shows as down.</p>
      <WorkerStatusLine />
      <FleetOverview />
      <Suspense fallback={<Skeleton />}>
        <FleetHistoryCharts />
      </Suspense>
    </>
  );
}
