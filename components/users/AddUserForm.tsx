'use client';

import { useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { ROLES, type Role } from '@/lib/auth/roles';
import { useCreateUserMutation } from '@/lib/queries/users/create-user-mutation';
import { FieldError } from './FieldError';
import { OneTimePassword } from './OneTimePassword';
import { PasswordInput } from './PasswordInput';
import { asUserField, nameProblem, passwordProblem, type UserField, type UserProblems } from './user-form-view';

interface Draft {
  name: string;
  role: Role;
  password: string;
  generated: boolean;
}

const EMPTY: Draft = { name: '', role: 'viewer', password: '', generated: false };

/** Add a user: the server's checks run once the admin has tried to submit; a 400 or 409 lands next to the field it names. */
export function AddUserForm() {
  const mutation = useCreateUserMutation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [touched, setTouched] = useState(false);
  const [added, setAdded] = useState<{ name: string; role: Role; password: string | null } | null>(null);

  const problems: UserProblems = { name: nameProblem(draft.name), password: passwordProblem(draft.password) };
  const serverError = mutation.error;
  const serverField = serverError instanceof ApiClientError ? asUserField(serverError.field) : null;
  const fieldError = (field: UserField) => (touched ? problems[field] : undefined) ?? (serverField === field ? serverError!.message : undefined);

  function edit(patch: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...patch }));
    mutation.reset();
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problems.name || problems.password) return;
    const input = { name: draft.name.trim().toLowerCase(), role: draft.role, password: draft.password };
    mutation.mutate(input, {
      onSuccess: ({ user }) => {
        setAdded({ name: user.name, role: user.role, password: draft.generated ? draft.password : null });
        setDraft(EMPTY);
        setTouched(false);
      },
    });
  }

  return (
    <>
      <h2>Add a user</h2>
      <p className="subtle">Names are lower case (a-z 0-9 . _ @ -). Passwords need 12 characters or more; Generate makes a random one.</p>
      <form className="user-form" onSubmit={submit} noValidate data-testid="add-user-form">
        <label htmlFor="new-user-name">
          Name
          <input
            id="new-user-name"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={draft.name}
            onChange={(event) => edit({ name: event.target.value })}
            aria-invalid={fieldError('name') ? true : undefined}
            aria-describedby="new-user-name-error"
            data-testid="user-name"
          />
          <FieldError id="new-user-name-error" message={fieldError('name')} />
        </label>
        <label htmlFor="new-user-role">
          Role
          <select id="new-user-role" value={draft.role} onChange={(event) => edit({ role: event.target.value as Role })} data-testid="user-role">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
          <FieldError id="new-user-role-error" message={fieldError('role')} />
        </label>
        <PasswordInput
          id="new-user-password"
          label="Password"
          value={draft.password}
          error={fieldError('password')}
          onChange={(password, generated) => edit({ password, generated })}
        />
        <div className="user-form-actions">
          <button type="submit" disabled={mutation.isPending} data-testid="add-user">
            {mutation.isPending ? 'Adding…' : 'Add user'}
          </button>
        </div>
        {serverError && !serverField ? (
          <p className="field-error" role="alert">
            {serverError.message}
          </p>
        ) : null}
      </form>
      {added ? (
        <>
          <p className="ok-text" role="status" data-testid="user-added">
            Added {added.name} ({added.role})
          </p>
          {added.password ? <OneTimePassword user={added.name} password={added.password} /> : null}
        </>
      ) : null}
    </>
  );
}
