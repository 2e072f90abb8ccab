'use client';

import { useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import type { ConsoleUser } from '@/lib/auth/users';
import { useUpdateUserMutation } from '@/lib/queries/users/update-user-mutation';
import { OneTimePassword } from './OneTimePassword';
import { PasswordInput } from './PasswordInput';
import { passwordProblem } from './user-form-view';

/**
 * A new password for the user; saving it ends every session of theirs (the
 * admin's own included, when it is theirs). A generated one is shown once
 * afterwards.
 */
export function ResetPasswordForm({ user, currentUser, onDone }: { user: ConsoleUser; currentUser: string; onDone: () => void }) {
  const mutation = useUpdateUserMutation(user.name);
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState(false);
  const [touched, setTouched] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const problem = touched ? passwordProblem(password) : undefined;
  const serverError = mutation.error;
  const serverProblem = serverError instanceof ApiClientError && serverError.field === 'password' ? serverError.message : undefined;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (passwordProblem(password)) return;
    mutation.mutate(
      { password },
      {
        onSuccess: () => {
          setShown(generated ? password : null);
          setSaved(true);
          setPassword('');
          setTouched(false);
        },
      },
    );
  }

  return (
    <div data-testid="reset-password">
      <form className="user-form" onSubmit={submit} noValidate>
        <PasswordInput
          id={`reset-${user.name}`}
          label={`New password for ${user.name}`}
          value={password}
          error={problem ?? serverProblem}
          onChange={(value, isGenerated) => {
            setPassword(value);
            setGenerated(isGenerated);
            setSaved(false);
            setShown(null);
            mutation.reset();
          }}
        />
        <div className="user-form-actions">
          <button type="submit" disabled={mutation.isPending} data-testid="reset-password-save">
            {mutation.isPending ? 'Saving…' : 'Set password'}
          </button>{' '}
          <button type="button" className="link" onClick={onDone}>
            Close
          </button>
        </div>
      </form>
      {serverError && !serverProblem ? (
        <p className="field-error" role="alert">
          {serverError.message}
        </p>
      ) : null}
      {saved ? (
        <p className="ok-text" role="status" data-testid="password-reset-done">
          {user.name === currentUser
            ? 'Your password was reset and your sessions ended: sign in again with the new password.'
            : `Password of ${user.name} reset; their sessions were ended.`}
        </p>
      ) : null}
      {shown ? <OneTimePassword user={user.name} password={shown} /> : null}
    </div>
  );
}
