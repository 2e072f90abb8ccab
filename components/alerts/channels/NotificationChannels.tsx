'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useChannelsQuery } from '@/lib/queries/alerts/channels/channels-query';
import { AddChannelForm } from './AddChannelForm';
import { ChannelRow } from './ChannelRow';

/** The channels with their health and actions, and the form to add one. */
export function NotificationChannels() {
  const { data, error, isPending, dataUpdatedAt } = useChannelsQuery();
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="notification channels" error={error} />;
  // "3 min ago" counts from the answer, so it does not drift between polls.
  const now = new Date(dataUpdatedAt);
  return (
    <>
      <section className="card" data-testid="channels">
        {data.channels.length === 0 ? (
          <p className="subtle" data-testid="no-channels">
            No channels yet: alerts show on the console only. Add a webhook or a Slack incoming webhook below.
          </p>
        ) : (
          <table className="channels-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Host</th>
                <th>Enabled</th>
                <th>Health</th>
                <th />
              </tr>
            </thead>
            {data.channels.map((channel) => (
              <ChannelRow key={channel.id} channel={channel} now={now} />
            ))}
          </table>
        )}
        {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      </section>
      <section className="card add-channel">
        <AddChannelForm />
      </section>
    </>
  );
}
