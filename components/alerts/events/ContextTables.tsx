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

export function TopTenantsPart({ tenants }: { tenants: ContextTenant[] }) {
  return (
    <Part title="Top tenants" testId="context-top-tenants" empty={tenants.length === 0}>
      <table>
        <thead>
          <tr>
            <th>Tenant</th>
            <th className="num">Active time</th>
            <th className="num">Sessions (most at once)</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((tenant) => (
            <tr key={tenant.tenantId}>
              <td>
                <TenantCell tenantId={tenant.tenantId} tenantName={tenant.name} />
              </td>
              <td className="num">{formatSeconds(tenant.activeSeconds)}</td>
              <td className="num">{tenant.sessions}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Part>
  );
}

export function BlockingRootsPart({ roots }: { roots: ContextBlockingRoot[] }) {
  return (
    <Part title="Blocking roots" testId="context-blocking-roots" empty={roots.length === 0}>
      <table>
        <thead>
          <tr>
            <th className="num">PID</th>
            <th>Node</th>
            <th>Tenant</th>
            <th>User / state</th>
            <th className="num">Transaction age</th>
            <th className="num">Blocked</th>
            <th>Query</th>
          </tr>
        </thead>
        <tbody>
          {roots.map((root) => (
            <tr key={`${root.nodeId}:${root.pid}`}>
              <td className="num mono">{root.pid}</td>
              <td className="mono">{root.nodeId}</td>
              <td>
                <TenantCell tenantId={root.tenantId} tenantName={root.tenantName} />
              </td>
              <td>{[root.user, root.state].filter(Boolean).join(' · ') || '—'}</td>
              <td className="num">{formatSeconds(root.xactSeconds)}</td>
              <td className="num">{root.blockedCount}</td>
              <td className="wide">
                <Query text={root.query} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Part>
  );
}

export function IdleInTransactionPart({ sessions }: { sessions: ContextIdleSession[] }) {
  return (
    <Part title="Idle in transaction" testId="context-idle-in-transaction" empty={sessions.length === 0}>
      <table>
        <thead>
          <tr>
            <th className="num">PID</th>
            <th>Node</th>
            <th>Tenant</th>
            <th>User</th>
            <th className="num">Idle for</th>
            <th>Last query</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={`${session.nodeId}:${session.pid}`}>
              <td className="num mono">{session.pid}</td>
              <td className="mono">{session.nodeId}</td>
              <td>
                <TenantCell tenantId={session.tenantId} tenantName={session.tenantName} />
              </td>
              <td>{session.user ?? '—'}</td>
              <td className="num">{formatSeconds(session.idleSeconds)}</td>
              <td className="wide">
                <Query text={session.query} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Part>
  );
}

export function TopStatementsPart({ statements }: { statements: ContextStatement[] }) {
  return (
    <Part title="Top statements by time" testId="context-top-statements" empty={statements.length === 0}>
      <table>
        <thead>
          <tr>
            <th>Statement</th>
            <th className="num">Calls</th>
            <th className="num">Total time</th>
            <th className="num">Mean time</th>
          </tr>
        </thead>
        <tbody>
          {statements.map((statement) => (
            <tr key={statement.statementHash}>
              <td className="wide">
                <a href={`/queries/${encodeURIComponent(statement.statementHash)}`} className="query">
                  <code title={statement.query}>{statement.query}</code>
                </a>
              </td>
              <td className="num">{formatNumber(statement.calls)}</td>
              <td className="num">{formatSeconds(statement.totalTimeMs / 1000)}</td>
              <td className="num">{statement.meanTimeMs === null ? '—' : formatSeconds(statement.meanTimeMs / 1000)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Part>
  );
}

export function PgbouncerWaitingPart({ pools }: { pools: ContextPool[] }) {
  return (
    <Part title="PgBouncer waiting" testId="context-pgbouncer" empty={pools.length === 0}>
      <table>
        <thead>
          <tr>
            <th>Pool</th>
            <th className="num">Clients waiting</th>
            <th className="num">Longest wait</th>
            <th className="num">Utilisation</th>
          </tr>
        </thead>
        <tbody>
          {pools.map((pool) => (
            <tr key={pool.pool}>
              <td className="mono">{pool.pool}</td>
              <td className="num">{pool.clientsWaiting}</td>
              <td className="num">{pool.maxWaitSeconds === 0 ? '0 s' : formatSeconds(pool.maxWaitSeconds)}</td>
              <td className="num">{formatPercent(pool.utilisationPct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Part>
  );
}
