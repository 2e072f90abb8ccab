import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import type { NodeReading, NodeSampleResult } from '@/lib/monitor/node-sample';
import { toSampleRows, type ShardReadings } from '@/lib/history/sample-rows';

const shard: ShardConfig = {
  id: 'shard-1',
  adminUrl: 'postgres://a@h/app',
  nodes: [
    { id: 'shard-1-primary', role: 'primary', url: 'postgres://m@h/app' },
    { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://m@h2/app' },
  ],
};

const at = new Date('2026-11-22T10:00:00Z');
const measuredAt = new Date('2026-11-22T10:00:00.120Z');

function reading(overrides: Partial<NodeReading>): NodeReading {
  return {
    measuredAt,
    inRecovery: false,
    values: { connections_total: 7, xact_commit: 100 },
    currentLsn: null,
    replayLsn: null,
    replayPaused: null,
    lastReplayAgeSeconds: null,
    standbys: [],
    tenants: [],
    ...overrides,
  };
}

function readings(nodes: Record<string, NodeSampleResult>, pooler: ShardReadings['pooler'] = { configured: false }): ShardReadings {
  return { shard, at, readAt: new Date('2026-11-22T10:00:01Z'), nodes: new Map(Object.entries(nodes)), pooler, hosts: new Map() };
}

describe('a shard round as sample rows', () => {
  it('records replica lag from the primary\'s WAL position, the same math as the overview', () => {
    const rows = toSampleRows(
      readings({
        'shard-1-primary': {
          up: true,
          reading: reading({ currentLsn: '0/3000100', standbys: [{ applicationName: 'shard-1-replica-1', state: 'streaming', replayLsn: '0/3000000', replayLagSeconds: 0.25 }] }),
        },
        'shard-1-replica-1': { up: true, reading: reading({ inRecovery: true, replayLsn: '0/3000000', replayPaused: false, lastReplayAgeSeconds: 40 }) },
      }),
    );
    const replica = rows.find((row) => row.nodeId === 'shard-1-replica-1')!;
    expect(replica).toMatchObject({ kind: 'node', up: true, at, measuredAt });
    expect(replica.v).toMatchObject({ replica_lag_bytes: 256, replica_lag_seconds: 0.25 });
    expect(rows.find((row) => row.nodeId === 'shard-1-primary')!.v).not.toHaveProperty('replica_lag_bytes');
  });

  it('records a node that did not answer as down with the reason and no readings (a gap, not zeros)', () => {
    const rows = toSampleRows(
      readings({
        'shard-1-primary': { up: true, reading: reading({ currentLsn: '0/3000100' }) },
        'shard-1-replica-1': { up: false, error: 'connection refused' },
      }),
    );
    expect(rows.find((row) => row.nodeId === 'shard-1-replica-1')).toMatchObject({ up: false, v: null, error: 'connection refused' });
  });

  it('adds one row per tenant seen on a node, and one per PgBouncer pool', () => {
    const tenantId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const rows = toSampleRows(
      readings(
        {
          'shard-1-primary': { up: true, reading: reading({ tenants: [{ tenantId, sessions: 3, activeSeconds: 30 }] }) },
          'shard-1-replica-1': { up: false, error: 'timed out' },
        },
        {
          configured: true,
          up: true,
          measuredAt,
          pools: [
            { database: 'app', user: 'app', poolMode: 'transaction', clientsActive: 4, clientsWaiting: 2, serversActive: 5, serversIdle: 0, serversUsed: 0, maxWaitSeconds: 1.5, utilisation: 1, poolSize: 5 },
          ],
        },
      ),
    );
    expect(rows.filter((row) => row.kind === 'tenant')).toEqual([
      expect.objectContaining({ tenantId, nodeId: 'shard-1-primary', v: { sessions: 3, active_seconds: 30 } }),
    ]);
    expect(rows.filter((row) => row.kind === 'pool')).toEqual([
      expect.objectContaining({ pool: null, up: true, v: expect.objectContaining({ pools: 1, clients_waiting: 2, utilisation_pct: 100 }) }),
      expect.objectContaining({ pool: 'app/app', up: true, v: expect.objectContaining({ clients_waiting: 2, utilisation_pct: 100 }) }),
    ]);
  });

  it('records a PgBouncer that did not answer as one down row for the whole pooler', () => {
    const rows = toSampleRows(readings({}, { configured: true, up: false, error: 'connection refused' }));
    expect(rows.filter((row) => row.kind === 'pool')).toEqual([expect.objectContaining({ pool: null, up: false, v: null })]);
  });
});
