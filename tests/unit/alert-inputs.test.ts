import { describe, expect, it } from 'vitest';
import { sampledTargetSamples, targetsOf, tenantTargetSamples, type KindReadings, type ScopeReading } from '@/lib/alerts/alert-inputs';
import { findAlertMetric } from '@/lib/alerts/alert-metrics';
import type { ShardConfig } from '@/lib/fleet/fleet-file';

const shard: ShardConfig = {
  id: 'shard-1',
  adminUrl: 'postgres://a@h/app',
  pooler: { url: 'postgres://a@pool/app', adminUrl: 'postgres://a@pool/pgbouncer' },
  nodes: [
    { id: 'shard-1-primary', role: 'primary', url: 'postgres://m@h/app', metricsUrl: 'http://h:9100/metrics' },
    { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://m@h2/app' },
  ],
};

const spec = (metric: string) => findAlertMetric(metric)!;
const slots = [new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:15Z'), new Date('2026-12-01T10:00:30Z')];

const up = (values: Record<string, number | null>): ScopeReading => ({ up: true, values: new Map(Object.entries(values)) });
const down: ScopeReading = { up: false, values: new Map() };

/** Readings by slot index and scope ('' = the pooler). */
function kind(bySlot: Record<number, Record<string, ScopeReading>>): KindReadings {
  return new Map(Object.entries(bySlot).map(([index, scopes]) => [slots[Number(index)].getTime(), new Map(Object.entries(scopes))]));
}

const none = kind({});

describe('alert targets of a shard', () => {
  it('evaluates a node metric on the nodes of its roles only (replica lag on replicas, statements on primaries)', () => {
    expect(targetsOf(spec('replica_lag_seconds'), shard).map((target) => target.nodeId)).toEqual(['shard-1-replica-1']);
    expect(targetsOf(spec('mean_statement_ms'), shard).map((target) => target.nodeId)).toEqual(['shard-1-primary']);
    expect(targetsOf(spec('connections_pct'), shard).map((target) => target.nodeId)).toEqual(['shard-1-primary', 'shard-1-replica-1']);
  });

  it('has a pool target only with a pooler, and host targets only for nodes with a metrics endpoint', () => {
    expect(targetsOf(spec('pool_maxwait_seconds'), shard)).toEqual([{ kind: 'pool', shardId: 'shard-1', nodeId: null, tenantId: null }]);
    expect(targetsOf(spec('pool_maxwait_seconds'), { ...shard, pooler: undefined })).toEqual([]);
    expect(targetsOf(spec('disk_pct'), shard)).toEqual([{ kind: 'host', shardId: 'shard-1', nodeId: 'shard-1-primary', tenantId: null }]);
  });
});

describe('alert samples from stored samples', () => {
  it('gives one sample per slot, in order, with the value of its metric', () => {
    const node = kind({
      0: { 'shard-1-primary': up({ connections_pct: 40 }), 'shard-1-replica-1': up({ connections_pct: 10 }) },
      1: { 'shard-1-primary': up({ connections_pct: 85 }), 'shard-1-replica-1': up({ connections_pct: 11 }) },
      2: { 'shard-1-primary': up({ connections_pct: 91 }), 'shard-1-replica-1': up({ connections_pct: 12 }) },
    });
    const [primary, replica] = sampledTargetSamples(spec('connections_pct'), shard, slots, { node, pool: none, host: none });
    expect(primary.samples).toEqual(slots.map((at, index) => ({ at, value: [40, 85, 91][index], paused: false })));
    expect(replica.samples.map((sample) => sample.value)).toEqual([10, 11, 12]);
  });

  it('pauses every rule of a down node but node down itself, which reads 0', () => {
    const node = kind({ 0: { 'shard-1-primary': up({ connections_pct: 40, node_up: 1 }) }, 1: { 'shard-1-primary': down } });
    const [connections] = sampledTargetSamples(spec('connections_pct'), shard, slots.slice(0, 2), { node, pool: none, host: none });
    expect(connections.samples[1]).toEqual({ at: slots[1], value: null, paused: true });
    const [nodeUp] = sampledTargetSamples(spec('node_up'), shard, slots.slice(0, 2), { node, pool: none, host: none });
    expect(nodeUp.samples.map((sample) => [sample.value, sample.paused])).toEqual([
      [1, false],
      [0, false],
    ]);
  });

  it('treats a node missing from a round as no value, never as a good one, and not as paused', () => {
    const node = kind({ 0: { 'shard-1-replica-1': up({ node_up: 1 }) } });
    const [primary] = sampledTargetSamples(spec('node_up'), shard, slots.slice(0, 1), { node, pool: none, host: none });
    expect(primary.samples).toEqual([{ at: slots[0], value: null, paused: false }]);
  });

  it('reads the pooler summary; a PgBouncer that did not answer has no value and does not pause', () => {
    const pool = kind({ 0: { '': up({ pool_maxwait_seconds: 0.5 }) }, 1: { '': down } });
    const [pooler] = sampledTargetSamples(spec('pool_maxwait_seconds'), shard, slots, { node: none, pool, host: none });
    expect(pooler.samples.map((sample) => [sample.value, sample.paused])).toEqual([
      [0.5, false],
      [null, false],
      [null, false],
    ]);
  });

  it('pauses a host while its node is down; an endpoint that did not answer gives no value', () => {
    const node = kind({ 0: { 'shard-1-primary': up({}) }, 1: { 'shard-1-primary': down }, 2: { 'shard-1-primary': up({}) } });
    const host = kind({ 0: { 'shard-1-primary': up({ disk_pct: 70 }) }, 1: { 'shard-1-primary': up({ disk_pct: 71 }) }, 2: { 'shard-1-primary': down } });
    const [disk] = sampledTargetSamples(spec('disk_pct'), shard, slots, { node, pool: none, host });
    expect(disk.samples.map((sample) => [sample.value, sample.paused])).toEqual([
      [70, false],
      [null, true],
      [null, false],
    ]);
  });
});

describe('tenant limit samples', () => {
  const at = new Date('2026-12-01T10:00:30Z');
  const tenantA = '0b7c4c36-5a55-4a43-a5d3-6c3f0f1a0001';
  const tenantB = '0b7c4c36-5a55-4a43-a5d3-6c3f0f1a0002';
  const gone = '0b7c4c36-5a55-4a43-a5d3-6c3f0f1a0003';

  it('samples each tenant over the floor and every tenant with an open alert once, at the window end', () => {
    const samples = tenantTargetSamples('shard-1', at, new Map([[tenantA, 92.5], [tenantB, 12]]), [tenantB]);
    expect(samples).toEqual([
      { target: { kind: 'tenant', shardId: 'shard-1', nodeId: null, tenantId: tenantA }, samples: [{ at, value: 92.5, paused: false }] },
      { target: { kind: 'tenant', shardId: 'shard-1', nodeId: null, tenantId: tenantB }, samples: [{ at, value: 12, paused: false }] },
    ]);
  });

  it('reads a tenant with an open alert that left the directory as using nothing, so its alert can resolve', () => {
    const [sample] = tenantTargetSamples('shard-1', at, new Map(), [gone.toUpperCase()]);
    expect(sample.target.tenantId).toBe(gone);
    expect(sample.samples).toEqual([{ at, value: 0, paused: false }]);
  });
});
