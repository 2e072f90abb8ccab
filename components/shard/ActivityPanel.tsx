'use client';

import type { Role } from '@/lib/auth/roles';
import { useShardActivityQuery } from '@/lib/queries/shards/shard-activity-query';
import { ConnectionStateChart } from '@/components/charts/ConnectionStateChart';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { CountList } from './CountList';
import { NodeDownNotice } from './NodeDownNotice';
import { SessionsTable } from './SessionsTable';
import { TopTenants } from './TopTenants';

export function ActivityPanel({ shardId, role }: { shardId: string; role: Role }) {
  const { data, error, isPending } = useShardActivityQuery(shardId);
  return (
    <section className="card panel" data-testid="panel-activity">
      <header>
        <h2>Activity</h2>
        {data ? (
          <span className="subtle">
            long-running ≥ {data.thresholds.longQuerySeconds} s · idle in transaction ≥ {data.thresholds.idleInTransactionSeconds} s
          </span>
        ) : null}
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="activity" error={error} /> : null}
      {data ? (
        <>
          <ConnectionStateChart nodes={data.nodes} />
          {data.nodes.map((node) =>
            node.up ? (
              <div key={node.nodeId} className="node-block" data-testid="activity-node" data-node-id={node.nodeId}>
                <h3>
                  <span className="mono">{node.nodeId}</span> <span className="subtle">{node.role}</span> ·{' '}
                  <span data-testid="connection-total">
                    {node.counts.total} / {node.maxConnections} connections
                  </span>{' '}
                  <span className="subtle">
                    ({node.counts.active} active, {node.counts.idleInTransaction} idle in transaction, {node.counts.idleInTransactionAborted} aborted,{' '}
                    {node.counts.waitingOnLock} waiting on a lock, {node.reservedConnections} reserved for superusers)
                  </span>
                </h3>
                <div className="breakdowns">
                  <CountList title="By database" counts={node.byDatabase} />
                  <CountList title="By user" counts={node.byUser} />
                  <CountList title="By application" counts={node.byApplication} />
                  <TopTenants title="Top tenants by sessions" tenants={node.topTenantsBySessions} />
                  <TopTenants title="Top tenants by active time" tenants={node.topTenantsByActiveTime} />
                </div>
                <h4>Long-running queries</h4>
                <SessionsTable
                  shardId={shardId}
                  nodeId={node.nodeId}
                  sessions={node.longRunning}
                  role={role}
                  ageOf={(session) => session.queryAgeSeconds}
                  emptyText="No query running longer than the threshold."
                  testId="long-running"
                />
                <h4>Idle in transaction</h4>
                <SessionsTable
                  shardId={shardId}
                  nodeId={node.nodeId}
                  sessions={node.idleInTransaction}
                  role={role}
                  ageOf={(session) => session.stateAgeSeconds}
                  emptyText="No session idle in a transaction longer than the threshold."
                  testId="idle-in-transaction"
                />
              </div>
            ) : (
              <NodeDownNotice key={node.nodeId} nodeId={node.nodeId} error={node.error} />
            ),
          )}
        </>
      ) : null}
    </section>
  );
}
