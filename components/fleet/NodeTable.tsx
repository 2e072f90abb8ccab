import type { NodeOverview } from '@/lib/monitor/fleet-overview-model';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import { formatBytes, formatSeconds } from '@/lib/format';

function ConnectionsCell({ node }: { node: NodeOverview }) {
  if (node.connectionsUsed === null || node.maxConnections === null) return <>—</>;
  const share = Math.min(1, node.connectionsUsed / node.maxConnections);
  return (
    <span title={`${node.reservedConnections} reserved for superusers`}>
      <span className={`meter${node.connectionsWarning ? ' warn' : ''}`}>
        <span style={{ width: `${share * 100}%` }} />
      </span>
      {node.connectionsUsed} / {node.maxConnections}
    </span>
  );
}

const READ_ROUTING_TONE: Record<string, BadgeTone> = { healthy: 'ok', lagging: 'warn', failed: 'bad' };

function ReplicationCells({ node }: { node: NodeOverview }) {
  const replication = node.replication;
  if (!replication) {
    return (
      <>
        <td className="num subtle">—</td>
        <td className="num subtle">—</td>
        <td className="subtle">—</td>
      </>
    );
  }
  return (
    <>
      <td className="num" data-testid="lag-bytes">{formatBytes(replication.lagBytes)}</td>
      <td className="num" data-testid="lag-seconds">{formatSeconds(replication.lagSeconds)}</td>
      <td>
        {replication.replayPaused ? <StatusBadge tone="warn">replay paused</StatusBadge> : null}{' '}
        <StatusBadge tone={READ_ROUTING_TONE[replication.readRouting]}>{replication.readRouting}</StatusBadge>
      </td>
    </>
  );
}

export function NodeTable({ nodes }: { nodes: NodeOverview[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Node</th>
          <th>Role</th>
          <th>Status</th>
          <th>Version</th>
          <th>Connections</th>
          <th className="num">Lag</th>
          <th className="num">Lag time</th>
          <th>Replication</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((node) => (
          <tr key={node.id} data-testid="node-row" data-node-id={node.id} data-status={node.up ? 'up' : 'down'}>
            <td className="mono">{node.id}</td>
            <td>
              {node.role}
              {node.actualRole && node.actualRole !== node.role ? <StatusBadge tone="bad">is {node.actualRole}</StatusBadge> : null}
            </td>
            <td title={node.error ?? `answered in ${node.latencyMs} ms`}>
              <StatusBadge tone={node.up ? 'ok' : 'bad'} testId="node-status">
                {node.up ? 'up' : 'down'}
              </StatusBadge>
            </td>
            <td className="subtle">{node.serverVersion?.split(' ')[0] ?? '—'}</td>
            <td>
              <ConnectionsCell node={node} />
            </td>
            <ReplicationCells node={node} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
