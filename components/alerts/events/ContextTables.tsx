import { ColumnTable, type Column } from '@/components/ui/ColumnTable';
import type { ContextBlockingRoot, ContextIdleSession, ContextPool, ContextStatement, ContextTenant } from '@/lib/alerts/alert-model';
import { formatNumber, formatPercent, formatSeconds } from '@/lib/format';

/** The parts of an alert's context snapshot, each a small table; "none" when the part was read and empty. */

function Part({ title, testId, empty, children }: { title: string; testId: string; empty: boolean; children: React.ReactNode }) {
  return (
    <div className="context-part" data-testid={testId}>
      <h4>{title}</h4>
      {empty ? <p className="subtle">none</p> : children}
    </div>
  );
}

function TenantCell({ tenantId, tenantName }: { tenantId: string | null; tenantName: string | null }) {
  if (!tenantId) return <span className="subtle">—</span>;
  return (
    <a href={`/tenants/${encodeURIComponent(tenantId)}`} title={tenantId}>
      {tenantName ?? <span className="mono">{tenantId.slice(0, 8)}</span>}
    </a>
  );
}

function Query({ text }: { text: string | null }) {
  if (!text) return <span className="subtle">—</span>;
  return (
    <span className="query">
      <code title={text}>{text}</code>
    </span>
  );
}

/** A session on a node: a blocking root or an idle-in-transaction session. */
type NodeSession = { pid: number; nodeId: string; tenantId: string | null; tenantName: string | null };

const pidColumn: Column<NodeSession> = { label: 'PID', num: true, className: 'mono', cell: (session) => session.pid };
const nodeColumn: Column<NodeSession> = { label: 'Node', className: 'mono', cell: (session) => session.nodeId };
const sessionTenantColumn: Column<NodeSession> = {
  label: 'Tenant',
  cell: (session) => <TenantCell tenantId={session.tenantId} tenantName={session.tenantName} />,
};
const sessionKey = (session: NodeSession) => `${session.nodeId}:${session.pid}`;

const tenantColumns: Column<ContextTenant>[] = [
  { label: 'Tenant', cell: (tenant) => <TenantCell tenantId={tenant.tenantId} tenantName={tenant.name} /> },
  { label: 'Active time', num: true, cell: (tenant) => formatSeconds(tenant.activeSeconds) },
  { label: 'Sessions (most at once)', num: true, cell: (tenant) => tenant.sessions },
];

const blockingRootColumns: Column<ContextBlockingRoot>[] = [
  pidColumn,
  nodeColumn,
  sessionTenantColumn,
  { label: 'User / state', cell: (root) => [root.user, root.state].filter(Boolean).join(' · ') || '—' },
  { label: 'Transaction age', num: true, cell: (root) => formatSeconds(root.xactSeconds) },
  { label: 'Blocked', num: true, cell: (root) => root.blockedCount },
  { label: 'Query', className: 'wide', cell: (root) => <Query text={root.query} /> },
];

const idleSessionColumns: Column<ContextIdleSession>[] = [
  pidColumn,
  nodeColumn,
  sessionTenantColumn,
  { label: 'User', cell: (session) => session.user ?? '—' },
  { label: 'Idle for', num: true, cell: (session) => formatSeconds(session.idleSeconds) },
  { label: 'Last query', className: 'wide', cell: (session) => <Query text={session.query} /> },
];

const statementColumns: Column<ContextStatement>[] = [
  {
    label: 'Statement',
    className: 'wide',
    cell: (statement) => (
      <a href={`/queries/${encodeURIComponent(statement.statementHash)}`} className="query">
        <code title={statement.query}>{statement.query}</code>
      </a>
    ),
  },
  { label: 'Calls', num: true, cell: (statement) => formatNumber(statement.calls) },
  { label: 'Total time', num: true, cell: (statement) => formatSeconds(statement.totalTimeMs / 1000) },
  { label: 'Mean time', num: true, cell: (statement) => (statement.meanTimeMs === null ? '—' : formatSeconds(statement.meanTimeMs / 1000)) },
];

const poolColumns: Column<ContextPool>[] = [
  { label: 'Pool', className: 'mono', cell: (pool) => pool.pool },
  { label: 'Clients waiting', num: true, cell: (pool) => pool.clientsWaiting },
  { label: 'Longest wait', num: true, cell: (pool) => (pool.maxWaitSeconds === 0 ? '0 s' : formatSeconds(pool.maxWaitSeconds)) },
  { label: 'Utilisation', num: true, cell: (pool) => formatPercent(pool.utilisationPct) },
];

export function TopTenantsPart({ tenants }: { tenants: ContextTenant[] }) {
  return (
    <Part title="Top tenants" testId="context-top-tenants" empty={tenants.length === 0}>
      <ColumnTable rows={tenants} columns={tenantColumns} rowKey={(tenant) => tenant.tenantId} />
    </Part>
  );
}

export function BlockingRootsPart({ roots }: { roots: ContextBlockingRoot[] }) {
  return (
    <Part title="Blocking roots" testId="context-blocking-roots" empty={roots.length === 0}>
      <ColumnTable rows={roots} columns={blockingRootColumns} rowKey={sessionKey} />
    </Part>
  );
}

export function IdleInTransactionPart({ sessions }: { sessions: ContextIdleSession[] }) {
  return (
    <Part title="Idle in transaction" testId="context-idle-in-transaction" empty={sessions.length === 0}>
      <ColumnTable rows={sessions} columns={idleSessionColumns} rowKey={sessionKey} />
    </Part>
  );
}

export function TopStatementsPart({ statements }: { statements: ContextStatement[] }) {
  return (
    <Part title="Top statements by time" testId="context-top-statements" empty={statements.length === 0}>
      <ColumnTable rows={statements} columns={statementColumns} rowKey={(statement) => statement.statementHash} />
    </Part>
  );
}

export function PgbouncerWaitingPart({ pools }: { pools: ContextPool[] }) {
  return (
    <Part title="PgBouncer waiting" testId="context-pgbouncer" empty={pools.length === 0}>
      <ColumnTable rows={pools} columns={poolColumns} rowKey={(pool) => pool.pool} />
    </Part>
  );
}
