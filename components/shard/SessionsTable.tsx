import type { Role } from '@/lib/auth/roles';
import type { SessionSummary } from '@/lib/monitor/activity-types';
import { formatSeconds } from '@/lib/format';
import { BackendActions } from './BackendActions';
import { QueryText } from './QueryText';

export function sessionLabel(session: SessionSummary): string {
  return session.tenantId ? `tenant ${session.tenantId.slice(0, 8)}` : session.applicationName || '(no application_name)';
}

export function SessionsTable({
  shardId,
  nodeId,
  sessions,
  role,
  ageOf,
  emptyText,
  testId,
}: {
  shardId: string;
  nodeId: string;
  sessions: SessionSummary[];
  role: Role;
  ageOf: (session: SessionSummary) => number | null;
  emptyText: string;
  testId: string;
}) {
  if (sessions.length === 0) return <p className="subtle">{emptyText}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th className="num">pid</th>
          <th>User</th>
          <th>Application</th>
          <th>State</th>
          <th>Waiting on</th>
          <th className="num">Age</th>
          <th>Query</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={`${session.pid}-${session.backendStart}`} data-pid={session.pid}>
            <td className="num mono">{session.pid}</td>
            <td>{session.user ?? '—'}</td>
            <td title={session.applicationName}>{sessionLabel(session)}</td>
            <td>{session.state ?? '—'}</td>
            <td>{session.waitEventType ? `${session.waitEventType}: ${session.waitEvent}` : '—'}</td>
            <td className="num">{formatSeconds(ageOf(session))}</td>
            <td className="wide">
              <QueryText shardId={shardId} nodeId={nodeId} session={session} />
            </td>
            <td>
              <BackendActions shardId={shardId} nodeId={nodeId} session={session} role={role} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
