import { Suspense } from 'react';
import { AlertEventsView } from '@/components/alerts/events/AlertEventsView';
import { Skeleton } from '@/components/ui/Skeleton';
import { requirePageSession } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { getFleet } from '@/lib/fleet/topology';
import './alerts.css';

export default async function AlertsPage() {
  const session = await requirePageSession('viewer');
  // The shard filter offers the fleet file's shards; events of a shard since removed still list under "any shard".
  const shards = getFleet().shards.map((shard) => ({ id: shard.id, name: shard.name ?? shard.id }));
  return (
    <>
      <h1>Alerts</h1>
      <p className="subtle">
        What fired and what still fires, with what was going on when it fired: the busiest tenants, who blocked whom, the heaviest statements and
        PgBouncer&apos;s queue. Severity is the worst the event reached.
      </p>
      <Suspense fallback={<Skeleton />}>
        <AlertEventsView shards={shards} canAcknowledge={hasRole(session.role, 'operator')} />
      </Suspense>
    </>
  );
}
