'use client';

import { useState } from 'react';
import { useCreateChannelMutation } from '@/lib/queries/alerts/channels/create-channel-mutation';
import { ChannelForm } from './ChannelForm';
import { createInput, EMPTY_DRAFT } from './channel-form-view';

/** Add a channel; after a save the form starts empty again (a new key) and says what was added. */
export function AddChannelForm() {
  const mutation = useCreateChannelMutation();
  const [formKey, setFormKey] = useState(0);
  const [added, setAdded] = useState<string | null>(null);
  return (
    <>
      <h2>Add a channel</h2>
      <p className="subtle">
        A generic webhook gets each alert as JSON; a Slack incoming webhook gets one line per alert. The URL is a secret: once saved, only its host is
        shown.
      </p>
      <ChannelForm
        key={formKey}
        idPrefix="new-channel"
        initial={EMPTY_DRAFT}
        mode="create"
        pending={mutation.isPending}
        serverError={mutation.error}
        submitLabel="Add channel"
        onSubmit={(draft) =>
          mutation.mutate(createInput(draft), {
            onSuccess: (channel) => {
              setAdded(`Added ${channel.name} (${channel.urlHost})`);
              setFormKey((key) => key + 1);
            },
          })
        }
      />
      {added ? (
        <p className="ok-text" role="status" data-testid="channel-added">
          {added}
        </p>
      ) : null}
    </>
  );
}
