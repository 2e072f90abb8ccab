'use client';

import type { ConsoleUser } from '@/lib/auth/users';
import { useSignOutEverywhereMutation } from '@/lib/queries/users/sign-out-everywhere-mutation';

/** Ends every session of the user (a lost laptop, a leaving colleague); says how many ended. Yours too, if it is you. */
export function SignOutEverywhereButton({ user, currentUser }: { user: ConsoleUser; currentUser: string }) {
  const mutation = useSignOutEverywhereMutation(user.name);
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={() =>
          mutation.mutate(undefined, {
            onSuccess: () => {
              if (user.name === currentUser) window.location.assign('/login');
            },
          })
        }
        disabled={mutation.isPending}
        data-testid="sign-out-everywhere"
      >
        {mutation.isPending ? 'Signing out…' : 'Sign out everywhere'}
      </button>
      {mutation.data ? (
        <div className="ok-text" role="status" data-testid="sessions-ended">
          {mutation.data.sessionsEnded === 1 ? '1 session ended' : `${mutation.data.sessionsEnded} sessions ended`}
        </div>
      ) : null}
      {mutation.error ? (
        <div className="field-error" role="alert">
          {mutation.error.message}
        </div>
      ) : null}
    </>
  );
}
