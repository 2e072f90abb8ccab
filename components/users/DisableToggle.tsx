'use client';

import { useState } from 'react';
import type { ConsoleUser } from '@/lib/auth/users';
import { useUpdateUserMutation } from '@/lib/queries/users/update-user-mutation';

/**
 * Disable (after a second click: every session of the user ends at once, and
 * its sign-in answers like a wrong password) or enable again. The last
 * enabled admin cannot be disabled; the server's message shows here.
 */
export function DisableToggle({ user, currentUser }: { user: ConsoleUser; currentUser: string }) {
  const mutation = useUpdateUserMutation(user.name);
  const [confirming, setConfirming] = useState(false);
  const error = mutation.error ? (
    <div className="field-error" role="alert" data-testid="disable-error">
      {mutation.error.message}
    </div>
  ) : null;

  if (user.disabled) {
    return (
      <>
        <button type="button" className="small" onClick={() => mutation.mutate({ disabled: false })} disabled={mutation.isPending} data-testid="user-enable">
          {mutation.isPending ? 'Enabling…' : 'Enable'}
        </button>
        {error}
      </>
    );
  }
  if (!confirming) {
    return (
      <>
        <button
          type="button"
          className="small"
          onClick={() => {
            mutation.reset();
            setConfirming(true);
          }}
          data-testid="user-disable"
        >
          Disable
        </button>
        {error}
      </>
    );
  }
  return (
    <span className="confirm">
      Disable {user.name} and end its {user.liveSessions === 1 ? 'session' : `${user.liveSessions} sessions`}?{' '}
      <button
        type="button"
        className="danger"
        onClick={() =>
          mutation.mutate(
            { disabled: true },
            {
              onSuccess: () => {
                if (user.name === currentUser) window.location.assign('/login');
              },
              onSettled: () => setConfirming(false),
            },
          )
        }
        disabled={mutation.isPending}
        data-testid="user-disable-confirm"
      >
        {mutation.isPending ? 'Disabling…' : 'Disable'}
      </button>{' '}
      <button type="button" className="link" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}
