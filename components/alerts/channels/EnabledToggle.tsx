'use client';

import type { NotificationChannel } from '@/lib/alerts/alert-model';
import { useUpdateChannelMutation } from '@/lib/queries/alerts/channels/update-channel-mutation';

/** Enable or disable a channel in one click (audited like any edit); a disabled channel gets no new messages. */
export function EnabledToggle({ channel }: { channel: NotificationChannel }) {
  const mutation = useUpdateChannelMutation(channel.id);
  const enabled = mutation.isPending && mutation.variables?.enabled !== undefined ? mutation.variables.enabled : channel.enabled;
  return (
    <>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled}
          disabled={mutation.isPending}
          onChange={(event) => mutation.mutate({ enabled: event.target.checked })}
          aria-label={`${channel.name} enabled`}
          data-testid="channel-enabled-toggle"
        />{' '}
        {enabled ? 'on' : 'off'}
      </label>
      {mutation.error ? <div className="field-error">{mutation.error.message}</div> : null}
    </>
  );
}
