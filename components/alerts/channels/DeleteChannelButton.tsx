'use client';

import { useState } from 'react';
import { useDeleteChannelMutation } from '@/lib/queries/alerts/channels/delete-channel-mutation';

/** Delete, after a second click: the channel and its delivery log go, and messages not yet sent to it are dropped. */
export function DeleteChannelButton({ channelId, name }: { channelId: string; name: string }) {
  const mutation = useDeleteChannelMutation(channelId);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="small" onClick={() => setConfirming(true)} data-testid="channel-delete">
        Delete
      </button>
    );
  }
  return (
    <span className="confirm">
      Delete {name} and its delivery log?{' '}
      <button type="button" className="danger" onClick={() => mutation.mutate()} disabled={mutation.isPending} data-testid="channel-delete-confirm">
        {mutation.isPending ? 'Deleting…' : 'Delete'}
      </button>{' '}
      <button type="button" className="link" onClick={() => setConfirming(false)}>
        Keep
      </button>
      {mutation.error ? <span className="field-error"> {mutation.error.message}</span> : null}
    </span>
  );
}
