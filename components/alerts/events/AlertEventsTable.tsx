import type { AlertEvent } from '@/lib/alerts/alert-model';
import { AlertEventRow } from './AlertEventRow';

export function AlertEventsTable({
  events,
  now,
  linkedEventId,
  canAcknowledge,
}: {
  events: AlertEvent[];
  now: Date;
  linkedEventId: string | null;
  canAcknowledge: boolean;
}) {
  return (
    <table className="alert-events" data-testid="alert-events-table">
      <thead>
        <tr>
          <th>Severity</th>
          <th>What</th>
          <th>Where</th>
          <th>Started</th>
          <th>Resolved</th>
          <th className="num">Peak</th>
          <th className="num">Last</th>
          <th>Acknowledged</th>
          <th>
            <span className="visually-hidden">Details</span>
          </th>
        </tr>
      </thead>
      {events.map((event) => (
        <AlertEventRow key={event.id} event={event} now={now} linked={event.id === linkedEventId} canAcknowledge={canAcknowledge} />
      ))}
    </table>
  );
}
