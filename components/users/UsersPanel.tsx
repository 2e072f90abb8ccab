'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useUsersQuery } from '@/lib/queries/users/users-query';
import { AddUserForm } from './AddUserForm';
import { UserRow } from './UserRow';

/** The console's local users with their actions, and the form to add one. `currentUser` is the signed-in admin. */
export function UsersPanel({ currentUser }: { currentUser: string }) {
  const { data, error, isPending, dataUpdatedAt } = useUsersQuery();
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="users" error={error} />;
  // "3 min ago" counts from the answer, so it does not drift between polls.
  const now = new Date(dataUpdatedAt);
  return (
    <>
      <section className="card" data-testid="users">
        <table className="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Last sign-in</th>
              <th className="num">Live sessions</th>
              <th />
            </tr>
          </thead>
          {data.users.map((user) => (
            <UserRow key={user.name} user={user} currentUser={currentUser} now={now} />
          ))}
        </table>
        {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      </section>
      <section className="card add-user">
        <AddUserForm />
      </section>
    </>
  );
}
