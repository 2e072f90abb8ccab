'use client';

import Link from 'next/link';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { useChannelDeliveriesQuery } from '@/lib/queries/alerts/channels/channel-deliveries-query';
import { DELIVERY_LOG_LIMIT_SHOWN, DELIVERY_STATUS_TONE, TRANSITION_LABELS } from './channel-form-view';

function When({ at }: { at: string | null }) {
  return at ? <time dateTime={at}>{new Date(at).toLocaleString()}</time> : <span className="subtle">—</span>;
}

/** A channel's last messages, newest first: what, status, the receiver's last answer, attempts, when. */
export function DeliveryLog({ channelId }: { channelId: string }) {
  const { data, error, isPending } = useChannelDeliveriesQuery(channelId);
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="the delivery log" error={error} />;
  if (data.deliveries.length === 0) {
    return (
      <p className="subtle" data-testid="delivery-log-empty">
        No messages yet. Alerts that fire, escalate or resolve are sent here; &quot;Send test&quot; sends one now.
      </p>
    );
  }
  return (
    <table className="delivery-log" data-testid="delivery-log">
      <caption className="subtle">newest first, up to {DELIVERY_LOG_LIMIT_SHOWN}</caption>
      <thead>
        <tr>
          <th>Message</th>
          <th>Status</th>
          <th>Answer</th>
          <th>Attempts</th>
          <th>Last error</th>
          <th>Queued</th>
          <th>Last attempt</th>
          <th>Sent</th>
        </tr>
      </thead>
      <tbody>
        {data.deliveries.map((delivery) => (
          <tr key={delivery.id} data-testid="delivery" data-status={delivery.status} data-transition={delivery.transition}>
            <td>
              {TRANSITION_LABELS[delivery.transition]}
              {delivery.eventId ? (
                <>
                  {' '}
                  <Link href={`/alerts?event=${encodeURIComponent(delivery.eventId)}`}>event {delivery.eventId}</Link>
                </>
              ) : null}
            </td>
            <td>
              <StatusBadge tone={DELIVERY_STATUS_TONE[delivery.status]}>{delivery.status}</StatusBadge>
            </td>
            <td className="mono">{delivery.lastStatusCode ?? '—'}</td>
            <td>{delivery.attempts}</td>
            <td className="delivery-error">{delivery.lastError ?? <span className="subtle">—</span>}</td>
            <td>
              <When at={delivery.createdAt} />
            </td>
            <td>
              <When at={delivery.lastAttemptAt} />
            </td>
            <td>
              <When at={delivery.sentAt} />
            </td>
          </tr>
        ))}
      </tbody>
      {error ? (
        <tfoot>
          <tr>
            <td colSpan={8} className="subtle">
              last refresh failed ({error.message}), showing the previous answer
            </td>
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
