import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { computeReplicaLag } from '@/lib/monitor/lag';
import type { NodeSampleResult } from '@/lib/monitor/node-sample';
import type { PoolerSampleResult } from '@/lib/monitor/pooler-sample';
import type { SampleKind } from './metrics';

/**
 * Pure: one shard's readings at one sampling slot → the rows stored in
 * metric_samples. A node or pooler that did not answer becomes one row with
 * up = false and no readings (a gap with a down flag), never zeros.
 */

export interface SampleRow {
  /** The sampling slot: with the scope, the idempotency key. */
  at: Date;
  measuredAt: Date;
  kind: SampleKind;
  shardId: string;
  nodeId: string | null;
  /** "database/user" for one PgBouncer pool; null for the whole pooler (its totals, or down). */
  pool: string | null;
  tenantId: string | null;
  up: boolean;
  v: Record<string, unknown> | null;
  error: string | null;
}

export type HostSampleResult =
  | { up: true; values: Record<string, number | string | null> }
  | { up: false; error: string };

export interface ShardReadings {
  shard: ShardConfig;
  at: Date;
  /** When the worker took the readings: the measurement time of rows whose server gave none. */
  readAt: Date;
  nodes: ReadonlyMap<string, NodeSampleResult>;
  pooler: PoolerSampleResult;
  /** Only nodes with a metricsUrl. */
  hosts: ReadonlyMap<string, HostSampleResult>;
}

function replicaLagValues(nodeId: string, replica: NodeSampleResult, primary: NodeSampleResult | undefined): Record<string, unknown> {
  const primaryReading = primary?.up ? primary.reading : null;
  const standby = primaryReading?.standbys.find((row) => row.applicationName === nodeId);
  const replicaReading = replica.up ? replica.reading : null;
  const lag = computeReplicaLag({
    primaryCurrentLsn: primaryReading?.currentLsn ?? null,
    primaryView: standby ? { replayLsn: standby.replayLsn, replayLagSeconds: standby.replayLagSeconds } : null,
    replicaView: replicaReading
      ? { replayLsn: replicaReading.replayLsn, lastReplayAgeSeconds: replicaReading.lastReplayAgeSeconds, replayPaused: Boolean(replicaReading.replayPaused) }
      : null,
  });
  return { replica_lag_bytes: lag.lagBytes, replica_lag_seconds: lag.lagSeconds, replay_paused: replicaReading?.replayPaused ?? null };
}

function nodeRows(readings: ShardReadings): SampleRow[] {
  const { shard, at, readAt } = readings;
  const primaryConfig = shard.nodes.find((node) => node.role === 'primary');
  const primary = primaryConfig ? readings.nodes.get(primaryConfig.id) : undefined;
  const rows: SampleRow[] = [];
  for (const node of shard.nodes) {
    const result = readings.nodes.get(node.id);
    const base = { at, kind: 'node' as const, shardId: shard.id, nodeId: node.id, pool: null, tenantId: null };
    if (!result || !result.up) {
      rows.push({ ...base, measuredAt: readAt, up: false, v: null, error: result && !result.up ? result.error : 'not sampled' });
      continue;
    }
    const { reading } = result;
    const lag = node.role === 'replica' ? replicaLagValues(node.id, result, primary) : {};
    rows.push({ ...base, measuredAt: reading.measuredAt, up: true, v: { ...reading.values, ...lag }, error: null });
    for (const tenant of reading.tenants) {
      rows.push({
        at,
        measuredAt: reading.measuredAt,
        kind: 'tenant',
        shardId: shard.id,
        nodeId: node.id,
        pool: null,
        tenantId: tenant.tenantId,
        up: true,
        v: { sessions: tenant.sessions, active_seconds: tenant.activeSeconds },
        error: null,
      });
    }
  }
  return rows;
}

function poolRows(readings: ShardReadings): SampleRow[] {
  const { pooler, shard, at, readAt } = readings;
  if (!pooler.configured) return [];
  const base = { at, kind: 'pool' as const, shardId: shard.id, nodeId: null, tenantId: null };
  if (!pooler.up) return [{ ...base, measuredAt: readAt, pool: null, up: false, v: null, error: pooler.error }];
  const pools = pooler.pools;
  // The whole pooler (pool = null): its totals, so a shard's line exists even before any client made a pool.
  const summary: SampleRow = {
    ...base,
    measuredAt: pooler.measuredAt,
    pool: null,
    up: true,
    v: {
      pools: pools.length,
      clients_active: pools.reduce((sum, pool) => sum + pool.clientsActive, 0),
      clients_waiting: pools.reduce((sum, pool) => sum + pool.clientsWaiting, 0),
      servers_active: pools.reduce((sum, pool) => sum + pool.serversActive, 0),
      servers_idle: pools.reduce((sum, pool) => sum + pool.serversIdle, 0),
      maxwait_seconds: Math.max(0, ...pools.map((pool) => pool.maxWaitSeconds)),
      utilisation_pct: Math.max(0, ...pools.map((pool) => pool.utilisation * 100)),
    },
    error: null,
  };
  return [
    summary,
    ...pools.map((pool) => ({
      ...base,
      measuredAt: pooler.measuredAt,
      pool: `${pool.database}/${pool.user}`,
      up: true,
      v: {
        clients_active: pool.clientsActive,
        clients_waiting: pool.clientsWaiting,
        servers_active: pool.serversActive,
        servers_idle: pool.serversIdle,
        maxwait_seconds: pool.maxWaitSeconds,
        pool_size: pool.poolSize,
        utilisation_pct: pool.utilisation * 100,
      },
      error: null,
    })),
  ];
}

function hostRows(readings: ShardReadings): SampleRow[] {
  const { shard, at, readAt } = readings;
  return shard.nodes.flatMap((node) => {
    const host = readings.hosts.get(node.id);
    if (!host) return [];
    const base = { at, measuredAt: readAt, kind: 'host' as const, shardId: shard.id, nodeId: node.id, pool: null, tenantId: null };
    return [host.up ? { ...base, up: true, v: host.values, error: null } : { ...base, up: false, v: null, error: host.error }];
  });
}

export function toSampleRows(readings: ShardReadings): SampleRow[] {
  return [...nodeRows(readings), ...poolRows(readings), ...hostRows(readings)];
}
