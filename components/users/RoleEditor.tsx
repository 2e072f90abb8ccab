'use client';

import { useState } from 'react';
import { ROLES, type Role } from '@/lib/auth/roles';
import type { ConsoleUser } from '@/lib/auth/users';
import { useUpdateUserMutation } from '@/lib/queries/users/update-user-mutation';
import { isDemotion } from './user-form-view';

/**
 * The role select and its Save. Demoting yourself asks first (the admin
 * pages go away on the next request); the server refuses to leave no enabled
 * admin, and its message shows here.
 */
export function RoleEditor({ user, currentUser }: { user: ConsoleUser; currentUser: string }) {
  const mutation = useUpdateUserMutation(user.name);
  const [draft, setDraft] = useState<Role>(user.role);
  const [saved, setSaved] = useState<Role>(user.role);
  const [confirming, setConfirming] = useState(false);

  // Changed here or by another admin: the select shows the role now in force.
  if (user.role !== saved) {
    setSaved(user.role);
    setDraft(user.role);
    setConfirming(false);
  }

  const demotingSelf = user.name === currentUser && isDemotion(user.role, draft);

  function save() {
    mutation.mutate(
      { role: draft },
      {
        onSuccess: () => {
          // Without the admin role this page answers no more: go where the new role may be.
          if (demotingSelf && draft !== 'admin') window.location.assign('/');
        },
      },
    );
    setConfirming(false);
  }

  return (
    <div className="role-editor">
      <select
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value as Role);
          setConfirming(false);
          mutation.reset();
        }}
        aria-label={`role of ${user.name}`}
        data-testid="role-select"
      >
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>{' '}
      {confirming ? (
        <span className="confirm" data-testid="role-confirm">
          Make yourself {draft}? You lose the admin pages at once.{' '}
          <button type="button" className="danger" onClick={save} data-testid="role-confirm-yes">
            Yes, demote me
          </button>{' '}
          <button type="button" className="link" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="small"
          disabled={draft === user.role || mutation.isPending}
          onClick={() => (demotingSelf ? setConfirming(true) : save())}
          data-testid="role-save"
        >
          {mutation.isPending ? 'Saving…' : 'Save role'}
        </button>
      )}
      {mutation.error ? (
        <div className="field-error" role="alert" data-testid="role-error">
          {mutation.error.message}
        </div>
      ) : null}
    </div>
  );
}
