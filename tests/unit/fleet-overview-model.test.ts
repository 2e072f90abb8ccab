import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { assembleShardOverview } from '@/lib/monitor/fleet-overview-model';
import type { NodeProbe, NodeVitals } from '@/lib/monitor/node-status';
import type { PoolerProbe } from '@/lib/monitor/pooler-status';

const shard: ShardConfig = {
  id: 'shard-1',
  name: 'Shard 1',
  adminUrl: 'postgres://a@h/app',
  nodes: [
    { id: 'shard-1-primary', role: 'primary', url: 'postgres://m@h:1/app' },
    { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://m@h:2/app' },
  ],
};

const baseVitals: NodeVitals = {
  serverVersion: '15.14 (Debian 15.14-0+deb12u1)',
  inRecovery: false,
  maxConnections: 100,
  reservedConnections: 3,
  connectionsUsed: 10,
  currentLsn: '0/3000000',
  receiveLsn: null,
  replayLsn: null,
  replayPaused: null,
  lastReplayAgeSeconds: null,
  walReceiverStatus: null,
  standbys: [{ applicationName: 'shard-1-replica-1', state: 'streaming', syncState: 'async', replayLsn: '0/3000000', replayLagSeconds: null }],
};

const primaryUp: NodeProbe = { up: true, latencyMs: 3, vitals: baseVitals };
const replicaUp: NodeProbe = {
  up: true,
  latencyMs: 3,
  vitals: { ...baseVitals, inRecovery: true, currentLsn: null, receiveLsn: '0/3000000', replayLsn: '0/3000000', replayPaused: false, lastReplayAgeSeconds: 5000, walReceiverStatus: 'streaming', standbys: [] },
};
const down: NodeProbe = { up: false, latencyMs: 1500, error: 'timed out' };
const poolerUp: PoolerProbe = { configured: true, up: true, latencyMs: 2, version: 'PgBouncer 1.18.0', clientsActive: 1, clientsWaiting: 0, serversActive: 1, serversIdle: 1, maxWaitSeconds: 0 };

const probes = (primary: NodeProbe, replica: NodeProbe) => new Map([['shard-1-primary', primary], ['shard-1-replica-1', replica]]);

describe('shard overview', () => {
  it('is healthy when every node is up, the replica streams with no lag and the pooler answers', () => {
    const overview = assembleShardOverview(shard, probes(primaryUp, replicaUp), poolerUp);
    expect(overview.health).toBe('healthy');
    expect(overview.problems).toEqual([]);
    expect(overview.nodes[1].replication).toMatchObject({ lagBytes: 0, lagSeconds: 0, readRouting: 'healthy' });
  });

  it('is degraded, naming the node, when a replica is down', () => {
    const overview = assembleShardOverview(shard, probes(primaryUp, down), poolerUp);
    expect(overview.health).toBe('degraded');
    expect(overview.problems[0]).toBe('shard-1-replica-1 is down (timed out)');
    expect(overview.nodes[1].replication?.readRouting).toBe('failed');
  });

  it('is down when the primary is down', () => {
    expect(assembleShardOverview(shard, probes(down, replicaUp), poolerUp).health).toBe('down');
  });

  it('is degraded when the pooler does not answer', () => {
    const overview = assembleShardOverview(shard, probes(primaryUp, replicaUp), { configured: true, up: false, latencyMs: 1, error: 'connection refused' });
    expect(overview.problems).toEqual(['PgBouncer is down (connection refused)']);
  });

  it('warns when a node is near max_connections', () => {
    const crowded: NodeProbe = { up: true, latencyMs: 1, vitals: { ...baseVitals, connectionsUsed: 80 } };
    const overview = assembleShardOverview(shard, probes(crowded, replicaUp), poolerUp);
    expect(overview.nodes[0].connectionsWarning).toBe(true);
    expect(overview.health).toBe('degraded');
  });
});
