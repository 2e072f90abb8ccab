'use client';

import Link from 'next/link';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { formatSeconds } from '@/lib/format';
import { useTenantUsageQuery } from '@/lib/queries/tenants/tenant-usage-query';

/** The tenant's sessions on every node of its shard, live (application_name = tenant:<id>). */
export function SessionsPanel({ tenantId }: { tenantId: string }) {
  const { data, error, isPending } = useTenantUsageQuery(tenantId);
  return (
    <section className="card panel" data-testid="panel-sessions">
      <header>
        <h2>Sessions now</h2>
        {data ? (
          <Link href={`/shards/${encodeURIComponent(data.shardId)}`}>
            open {data.shardId} <span aria-hidden="true">→</span>
          </Link>
        ) : null}
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="sessions" error={error} /> : null}
      {data ? (
        <>
          {data.sessions.shardDown ? (
            <p>
              <StatusBadge tone="bad" testId="sessions-shard-down">
                shard down
              </StatusBadge>{' '}
              <span className="subtle">no node of {data.shardId} answered: sessions are unknown, not zero.</span>
            </p>
          ) : (
            <p data-testid="sessions-totals">
              <strong>{data.sessions.now}</strong> sessions · <strong>{data.sessions.active}</strong> active · active queries running{' '}
              <strong>{formatSeconds(data.sessions.activeSeconds)}</strong> in total
            </p>
          )}
          <table>
            <thead>
              <tr>
                <th>Node</th>
                <th>Role</th>
                <th>Status</th>
                <th className="num">Sessions</th>
                <th className="num">Active</th>
                <th className="num">Idle in transaction</th>
                <th className="num">Active time</th>
              </tr>
            </thead>
            <tbody>
              {data.sessions.nodes.map((node) => (
                <tr key={node.nodeId} data-testid="tenant-node-sessions" data-node-id={node.nodeId}>
                  <td className="mono">{node.nodeId}</td>
                  <td>{node.role}</td>
                  <td title={node.error}>
                    <StatusBadge tone={node.up ? 'ok' : 'bad'}>{node.up ? 'up' : 'down'}</StatusBadge>
                  </td>
                  <td className="num">{node.up ? node.sessions : '—'}</td>
                  <td className="num">{node.up ? node.active : '—'}</td>
                  <td className="num">{node.up ? node.idleInTransaction : '—'}</td>
                  <td className="num">{node.up ? formatSeconds(node.activeSeconds) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
