import type { NodeRole, ShardConfig } from '@/lib/fleet/fleet-file';
import { computeReplicaLag, readRoutingVerdict, type ReadRoutingVerdict } from './lag';
import type { NodeProbe } from './node-status';
import type { PoolerProbe } from './pooler-status';
import { CONNECTION_USAGE_WARN_RATIO, REPLICA_LAG_THRESHOLD_BYTES, REPLICA_LAG_THRESHOLD_SECONDS } from './thresholds';

/**
 * Pure assembly of node and pooler probes into the fleet overview the pages
 * show. No I/O here: unit-tested with fixtures.
 */

export type ShardHealth = 'healthy' | 'degraded' | 'down';

export interface ReplicaReplication {
  lagBytes: number | null;
  lagSeconds: number | null;
  replayPaused: boolean | null;
  /** The primary lists this standby in pg_stat_replication as streaming. */
  streaming: boolean;
  readRouting: ReadRoutingVerdict;
}

export interface NodeOverview {
  id: string;
  /** Role in the fleet file. */
  role: NodeRole;
  up: boolean;
  error: string | null;
  latencyMs: number;
  /** Role the server reports (pg_is_in_recovery); differs from `role` after an unplanned failover. */
  actualRole: NodeRole | null;
  serverVersion: string | null;
  connectionsUsed: number | null;
  maxConnections: number | null;
  reservedConnections: number | null;
  connectionsWarning: boolean;
  replication: ReplicaReplication | null;
}

export interface ShardOverview {
  id: string;
  name: string;
  health: ShardHealth;
  /** Why the shard is not healthy, in operator words. */
  problems: string[];
  pooler: PoolerProbe;
  nodes: NodeOverview[];
}

export interface FleetOverview {
  generatedAt: string;
  lagThresholdSeconds: number;
  shards: ShardOverview[];
}

function replicationOf(nodeId: string, probe: NodeProbe, primary: NodeProbe): ReplicaReplication {
  const standby = primary.up ? primary.vitals.standbys.find((row) => row.applicationName === nodeId) : undefined;
  const vitals = probe.up ? probe.vitals : null;
  const lag = computeReplicaLag({
    primaryCurrentLsn: primary.up ? primary.vitals.currentLsn : null,
    primaryView: standby ? { replayLsn: standby.replayLsn, replayLagSeconds: standby.replayLagSeconds } : null,
    replicaView: vitals
      ? { replayLsn: vitals.replayLsn, lastReplayAgeSeconds: vitals.lastReplayAgeSeconds, replayPaused: Boolean(vitals.replayPaused) }
      : null,
  });
  // Streaming is judged from the replica's own WAL receiver when we can see it,
  // else from the primary's side.
  const streaming = vitals ? vitals.walReceiverStatus === 'streaming' : standby?.state === 'streaming';
  return {
    ...lag,
    replayPaused: vitals?.replayPaused ?? null,
    streaming,
    readRouting: readRoutingVerdict({ up: probe.up, streaming, lag }, REPLICA_LAG_THRESHOLD_SECONDS, REPLICA_LAG_THRESHOLD_BYTES),
  };
}

function nodeOverview(node: ShardConfig['nodes'][number], probe: NodeProbe, primary: NodeProbe): NodeOverview {
  const vitals = probe.up ? probe.vitals : null;
  return {
    id: node.id,
    role: node.role,
    up: probe.up,
    error: probe.up ? null : probe.error,
    latencyMs: probe.latencyMs,
    actualRole: vitals ? (vitals.inRecovery ? 'replica' : 'primary') : null,
    serverVersion: vitals?.serverVersion ?? null,
    connectionsUsed: vitals?.connectionsUsed ?? null,
    maxConnections: vitals?.maxConnections ?? null,
    reservedConnections: vitals?.reservedConnections ?? null,
    connectionsWarning: vitals ? vitals.connectionsUsed >= CONNECTION_USAGE_WARN_RATIO * (vitals.maxConnections - vitals.reservedConnections) : false,
    replication: node.role === 'replica' ? replicationOf(node.id, probe, primary) : null,
  };
}

function shardProblems(nodes: NodeOverview[], pooler: PoolerProbe): string[] {
  const problems: string[] = [];
  for (const node of nodes) {
    if (!node.up) problems.push(`${node.id} is down (${node.error})`);
    else if (node.actualRole && node.actualRole !== node.role) problems.push(`${node.id} reports itself ${node.actualRole}, fleet file says ${node.role}`);
    if (node.connectionsWarning) problems.push(`${node.id} is near max_connections`);
    if (node.up && node.replication) {
      if (node.replication.replayPaused) problems.push(`${node.id} has replay paused`);
      if (node.replication.readRouting === 'failed') problems.push(`${node.id} is not streaming`);
      else if (node.replication.readRouting === 'lagging') problems.push(`${node.id} is lagging`);
    }
  }
  if (pooler.configured && !pooler.up) problems.push(`PgBouncer is down (${pooler.error})`);
  if (pooler.configured && pooler.up && pooler.clientsWaiting > 0) problems.push(`${pooler.clientsWaiting} clients waiting in PgBouncer`);
  return problems;
}

export function assembleShardOverview(shard: ShardConfig, probes: Map<string, NodeProbe>, pooler: PoolerProbe): ShardOverview {
  const primaryConfig = shard.nodes.find((node) => node.role === 'primary')!;
  const primary = probes.get(primaryConfig.id)!;
  const nodes = shard.nodes.map((node) => nodeOverview(node, probes.get(node.id)!, primary));
  const problems = shardProblems(nodes, pooler);
  const health: ShardHealth = !primary.up ? 'down' : problems.length > 0 ? 'degraded' : 'healthy';
  return { id: shard.id, name: shard.name ?? shard.id, health, problems, pooler, nodes };
}
