import { FleetOverview } from '@/components/fleet/FleetOverview';

export default function FleetOverviewPage() {
  return (
    <>
      <h1>Fleet overview</h1>
      <p className="subtle">Every shard and node, probed live. A node that does not answer within the timeout shows as down.</p>
      <FleetOverview />
    </>
  );
}
