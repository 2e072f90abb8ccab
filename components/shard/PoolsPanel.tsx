'use client';

import type { PgBouncerView } from '@/lib/monitor/pools-types';
import { useShardPoolsQuery } from '@/lib/queries/shards/shard-pools-query';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge } from '@/components/ui/StatusBadge';

function PgBouncerSection({ pgbouncer }: { pgbouncer: PgBouncerView }) {
  if (!pgbouncer.configured) return <p className="subtle">No PgBouncer in the fleet file for this shard.</p>;
  if (!pgbouncer.up) {
    return (
      <p data-testid="pgbouncer-down">
        PgBouncer <StatusBadge tone="bad">down</StatusBadge> <span className="subtle">{pgbouncer.error}</span>
      </p>
    );
  }
  const { config } = pgbouncer;
  return (
    <>
      <p className="subtle">
        {pgbouncer.version} · pool_mode {config.poolMode} · default_pool_size {config.defaultPoolSize} · clients {pgbouncer.clientConnections} /{' '}
        {config.maxClientConn} max_client_conn · {pgbouncer.serverConnections} server connections
      </p>
      <table data-testid="pgbouncer-pools">
        <thead>
          <tr>
            <th>Database / user</th>
            <th className="num">Clients active</th>
            <th className="num">Clients waiting</th>
            <th className="num">Servers active / idle / used</th>
            <th className="num">Utilisation</th>
            <th className="num">Max wait</th>
          </tr>
        </thead>
        <tbody>
          {pgbouncer.pools.map((pool) => (
            <tr key={`${pool.database}/${pool.user}`} data-testid="pool-row" data-waiting={pool.clientsWaiting}>
              <td className="mono">
                {pool.database} / {pool.user}
              </td>
              <td className="num">{pool.clientsActive}</td>
              <td className="num">{pool.clientsWaiting > 0 ? <StatusBadge tone="bad">{pool.clientsWaiting}</StatusBadge> : 0}</td>
              <td className="num">
                {pool.serversActive} / {pool.serversIdle} / {pool.serversUsed}
              </td>
              <td className="num">
                {Math.round(pool.utilisation * 100)}% of {pool.poolSize}
              </td>
              <td className="num">{pool.maxWaitSeconds.toFixed(1)} s</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Traffic (PgBouncer averages)</h4>
      <table>
        <thead>
          <tr>
            <th>Database</th>
            <th className="num">Transactions/s</th>
            <th className="num">Queries/s</th>
            <th className="num">Avg query</th>
            <th className="num">Avg transaction</th>
            <th className="num">Avg wait for a server</th>
          </tr>
        </thead>
        <tbody>
          {pgbouncer.stats.map((row) => (
            <tr key={row.database}>
              <td className="mono">{row.database}</td>
              <td className="num">{row.transactionsPerSecond}</td>
              <td className="num">{row.queriesPerSecond}</td>
              <td className="num">{row.avgQueryMs.toFixed(1)} ms</td>
              <td className="num">{row.avgTransactionMs.toFixed(1)} ms</td>
              <td className="num">{row.avgWaitMs.toFixed(1)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="subtle">
        Clients by state: {pgbouncer.clientsByState.map((entry) => `${entry.state} ${entry.count}`).join(', ') || 'none'} · servers by state:{' '}
        {pgbouncer.serversByState.map((entry) => `${entry.state} ${entry.count}`).join(', ') || 'none'}
      </p>
    </>
  );
}

export function PoolsPanel({ shardId }: { shardId: string }) {
  const { data, error, isPending } = useShardPoolsQuery(shardId);
  return (
    <section className="card panel" data-testid="panel-pools">
      <header>
        <h2>Pools</h2>
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="pool statistics" error={error} /> : null}
      {data ? (
        <>
          <h4>PgBouncer</h4>
          <PgBouncerSection pgbouncer={data.pgbouncer} />
          <h4>The console&apos;s own connections</h4>
          <table data-testid="console-pools">
            <thead>
              <tr>
                <th>Node</th>
                <th className="num">Open</th>
                <th className="num">Idle</th>
                <th className="num">Waiting for a connection</th>
                <th className="num">Max</th>
              </tr>
            </thead>
            <tbody>
              {data.console.map((pool) => (
                <tr key={pool.nodeId}>
                  <td className="mono">{pool.nodeId}</td>
                  <td className="num">{pool.total ?? '—'}</td>
                  <td className="num">{pool.idle ?? '—'}</td>
                  <td className="num">{pool.waiting ?? '—'}</td>
                  <td className="num">{pool.max}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
