'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useAlertEventQuery } from '@/lib/queries/alerts/events/alert-events-query';
import { AlertEventsTable } from './AlertEventsTable';

/** The event a notification linked to (`?event=`) when the list does not hold it: older than the list, or filtered out. */
export function LinkedEvent({ eventId, canAcknowledge }: { eventId: string; canAcknowledge: boolean }) {
  const { data, error, isPending, dataUpdatedAt } = useAlertEventQuery(eventId);
  return (
    <section className="card linked-event" data-testid="linked-event">
      <header>
        <h2>Linked event {eventId}</h2>
        <span className="subtle">not in the list below (older, or outside its filters)</span>
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject={`alert event ${eventId}`} error={error} /> : null}
      {data ? <AlertEventsTable events={[data]} now={new Date(dataUpdatedAt)} linkedEventId={eventId} canAcknowledge={canAcknowledge} /> : null}
    </section>
  );
}
