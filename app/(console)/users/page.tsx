import { UsersPanel } from '@/components/users/UsersPanel';
import { requirePageSession } from '@/lib/auth/guard';
import './users.css';

export default async function UsersPage() {
  const session = await requirePageSession('admin');
  return (
    <>
      <h1>Users</h1>
      <p className="subtle">
        Who may sign in to the console, and as what: a viewer reads, an operator also cancels queries and acknowledges alerts, an admin also terminates
        backends, edits limits and rules, runs rebalances and manages users. A role change or a disable takes effect on the user&apos;s next request; a
        password reset or a disable ends their sessions. At least one enabled admin always remains. Every change is audited.
      </p>
      <UsersPanel currentUser={session.user} />
    </>
  );
}
