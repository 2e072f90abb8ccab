'use client';

import { useState } from 'react';
import { StatusBadge } from '@/components/ui/StatusBadge';
import type { ConsoleUser } from '@/lib/auth/users';
import { DisableToggle } from './DisableToggle';
import { ResetPasswordForm } from './ResetPasswordForm';
import { RoleEditor } from './RoleEditor';
import { SignOutEverywhereButton } from './SignOutEverywhereButton';
import { formatWhen } from './user-form-view';

/** Columns of the users table (the password panel spans them all). */
export const USER_COLUMNS = 7;

/** One user: role (editable), status, when created and last signed in, live sessions, and the actions; below it the password reset. */
export function UserRow({ user, currentUser, now }: { user: ConsoleUser; currentUser: string; now: Date }) {
  const [resetting, setResetting] = useState(false);
  return (
    <tbody className="user" data-testid="user-row" data-user-name={user.name} data-disabled={user.disabled}>
      <tr>
        <th scope="row">
          {user.name}
          {user.name === currentUser ? <span className="subtle"> (you)</span> : null}
        </th>
        <td>
          <RoleEditor user={user} currentUser={currentUser} />
        </td>
        <td data-testid="user-status">
          {user.disabled ? <StatusBadge tone="bad">disabled</StatusBadge> : <StatusBadge tone="ok">enabled</StatusBadge>}
        </td>
        <td title={user.createdAt}>{formatWhen(user.createdAt, now)}</td>
        <td title={user.lastSignInAt ?? undefined}>{formatWhen(user.lastSignInAt, now)}</td>
        <td className="num" data-testid="user-live-sessions">
          {user.liveSessions}
        </td>
        <td className="user-actions">
          <button type="button" className="small" onClick={() => setResetting((open) => !open)} aria-expanded={resetting} data-testid="user-reset-password">
            Reset password
          </button>
          <DisableToggle user={user} currentUser={currentUser} />
          <SignOutEverywhereButton user={user} currentUser={currentUser} />
        </td>
      </tr>
      {resetting ? (
        <tr className="user-panel">
          <td colSpan={USER_COLUMNS}>
            <ResetPasswordForm user={user} currentUser={currentUser} onDone={() => setResetting(false)} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
