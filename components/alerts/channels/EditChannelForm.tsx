'use client';

import type { NotificationChannel } from '@/lib/alerts/alert-model';
import { useUpdateChannelMutation } from '@/lib/queries/alerts/channels/update-channel-mutation';
import { ChannelForm } from './ChannelForm';
import { draftFromChannel, updatePatch } from './channel-form-view';

/** Edit a channel: only what changed is sent; an empty URL keeps the saved one. */
export function EditChannelForm({ channel, onDone }: { channel: NotificationChannel; onDone: () => void }) {
  const mutation = useUpdateChannelMutation(channel.id);
  return (
    <ChannelForm
      idPrefix={`channel-${channel.id}`}
      initial={draftFromChannel(channel)}
      mode="edit"
      pending={mutation.isPending}
      serverError={mutation.error}
      submitLabel="Save"
      onCancel={onDone}
      onSubmit={(draft) => {
        const patch = updatePatch(draft, channel);
        if (!patch) return onDone();
        mutation.mutate(patch, { onSuccess: onDone });
      }}
    />
  );
}
