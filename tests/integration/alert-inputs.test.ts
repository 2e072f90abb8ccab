import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertInputs, type TargetSamples } from '@/lib/alerts/alert-inputs';
import { findAlertMetric, type AlertMetricSpec } from '@/lib/alerts/alert-metrics';
import { getControlPool } from '@/lib/control/db';
import { findShard, getFleet } from '@/lib/fleet/topology';
import { sampleShard } from '@/lib/history/sample-shard';
import { samplingSlot } from '@/lib/jobs/slots';
import { readNodeSample } from '@/lib/monitor/node-sample';
import { connectAsApp, nodePort, sandbox, withSuperuser } from './sandbox';

/**
 * What the alert evaluation reads, from samples written by real sampling
 * rounds of the sandbox fleet. The sampled tests use their own slots 20 min
 * back with an odd millisecond offset, so no other file's rows fall in their
 * windows; the tenant test samples the current slot (sessions "now").
 */

const shard = () => findShard('shard-1')!;
const specs = (...metrics: string[]): AlertMetricSpec[] => metrics.map((metric) => findAlertMetric(metric)!);
const SAMPLE_INTERVAL_MS = Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S) * 1000;

let nextSlot = Math.floor(Date.now() / 1000) * 1000 - 20 * 60_000 + 437;
/** The next slot, one sampling interval after the previous one (so counters pair with it). */
function freshSlot(): Date {
  nextSlot += SAMPLE_INTERVAL_MS;
  return new Date(nextSlot);
}

function targetOf(inputs: Map<string, TargetSamples[]>, metric: string, id: string): TargetSamples {
  const found = inputs.get(metric)?.find((entry) => (entry.target.nodeId ?? entry.target.tenantId ?? entry.target.shardId) === id);
  if (!found) throw new Error(`no ${metric} target ${id} in ${JSON.stringify(inputs.get(metric))}`);
  return found;
}

async function storedStatementCalls(at: Date): Promise<number> {
  const { rows } = await getControlPool().query<{ calls: number }>(
    `select (v ->> 'statements_calls')::float8 as calls from metric_samples where kind = 'node' and node_id = 'shard-1-primary' and at = $1`,
    [at],
  );
  return rows[0].calls;
}

describe('alert inputs from stored samples', () => {
  afterAll(() => {
    sandbox('start-node', 'shard-1-replica-1');
  });

  it('gives every target of each metric one sample per round, counters paired with the round before', async () => {
    const first = freshSlot();
    await sampleShard(shard(), first, 'it-alerts');
    // Five statements of 100 ms by an application role between the rounds: the mean statement time is theirs.
    await withSuperuser(nodePort(1, 'primary'), async (client) => {
      for (let index = 0; index < 5; index++) await client.query('select pg_sleep(0.1) as alert_inputs_mean');
    });
    const second = freshSlot();
    await sampleShard(shard(), second, 'it-alerts');

    const metrics = specs('node_up', 'connections_pct', 'replica_lag_seconds', 'mean_statement_ms', 'pool_maxwait_seconds', 'disk_pct', 'db_size_bytes');
    const inputs = await loadAlertInputs(getControlPool(), shard(), metrics, { from: first, to: second }, { floorPct: 80, openTenantIds: [] });

    expect([...inputs.keys()].sort()).toEqual(metrics.map((spec) => spec.metric).sort());
    expect(inputs.get('node_up')!.map((entry) => entry.target)).toEqual([
      { kind: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary', tenantId: null },
      { kind: 'node', shardId: 'shard-1', nodeId: 'shard-1-replica-1', tenantId: null },
    ]);
    for (const entry of inputs.get('node_up')!) expect(entry.samples).toEqual([first, second].map((at) => ({ at, value: 1, paused: false })));
    for (const nodeId of ['shard-1-primary', 'shard-1-replica-1']) {
      const connections = targetOf(inputs, 'connections_pct', nodeId).samples;
      expect(connections.every((sample) => !sample.paused && sample.value! >= 0 && sample.value! < 100)).toBe(true);
    }
    expect(inputs.get('replica_lag_seconds')!.map((entry) => entry.target.nodeId)).toEqual(['shard-1-replica-1']);
    expect(targetOf(inputs, 'replica_lag_seconds', 'shard-1-replica-1').samples.every((sample) => typeof sample.value === 'number')).toBe(true);
    expect(targetOf(inputs, 'db_size_bytes', 'shard-1-primary').samples[1].value).toBeGreaterThan(1_000_000);
    expect(inputs.get('pool_maxwait_seconds')!).toEqual([
      { target: { kind: 'pool', shardId: 'shard-1', nodeId: null, tenantId: null }, samples: [first, second].map((at) => ({ at, value: 0, paused: false })) },
    ]);
    for (const nodeId of ['shard-1-primary', 'shard-1-replica-1']) {
      const disk = targetOf(inputs, 'disk_pct', nodeId).samples;
      expect(disk.every((sample) => !sample.paused && sample.value! > 0 && sample.value! < 100)).toBe(true);
    }

    // The monitoring role's own statements (the sampler's) are not counted: only the five.
    const calls = (await storedStatementCalls(second)) - (await storedStatementCalls(first));
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(calls).toBeLessThanOrEqual(6);
    const mean = targetOf(inputs, 'mean_statement_ms', 'shard-1-primary').samples;
    expect(inputs.get('mean_statement_ms')!).toHaveLength(1);
    // The first round has no round before it within the look-back: no value, not 0.
    expect(mean[0]).toEqual({ at: first, value: null, paused: false });
    expect(mean[1].value).toBeGreaterThan(80);
    expect(mean[1].value).toBeLessThan(250);

    // A window starting at the second round still pairs it with the first (the look-back).
    const later = await loadAlertInputs(getControlPool(), shard(), specs('mean_statement_ms'), { from: second, to: second }, { floorPct: 80, openTenantIds: [] });
    expect(later.get('mean_statement_ms')![0].samples).toEqual([mean[1]]);
  });

  it('pauses every rule of a stopped replica and its host but node down, which reads 0', async () => {
    const before = freshSlot();
    await sampleShard(shard(), before, 'it-alerts');
    sandbox('stop-node', 'shard-1-replica-1');
    const during = freshSlot();
    try {
      const report = await sampleShard(shard(), during, 'it-alerts');
      expect(report.nodesDown).toBe(1);
    } finally {
      sandbox('start-node', 'shard-1-replica-1');
    }

    const metrics = specs('node_up', 'connections_pct', 'replica_lag_seconds', 'disk_pct');
    const inputs = await loadAlertInputs(getControlPool(), shard(), metrics, { from: before, to: during }, { floorPct: 80, openTenantIds: [] });
    const samplesOf = (metric: string, nodeId: string) => targetOf(inputs, metric, nodeId).samples.map(({ value, paused }) => ({ value, paused }));

    expect(samplesOf('node_up', 'shard-1-replica-1')).toEqual([
      { value: 1, paused: false },
      { value: 0, paused: false },
    ]);
    for (const metric of ['connections_pct', 'replica_lag_seconds', 'disk_pct']) {
      expect(samplesOf(metric, 'shard-1-replica-1')[1]).toEqual({ value: null, paused: true });
      expect(samplesOf(metric, 'shard-1-replica-1')[0]).toMatchObject({ paused: false, value: expect.any(Number) });
    }
    expect(samplesOf('connections_pct', 'shard-1-primary')[1]).toMatchObject({ paused: false, value: expect.any(Number) });
    expect(samplesOf('node_up', 'shard-1-primary')).toEqual([
      { value: 1, paused: false },
      { value: 1, paused: false },
    ]);
  });
});

describe('tenant limit inputs', () => {
  const ids = { storage: randomUUID(), sessions: randomUUID(), apiCalls: randomUUID(), quiet: randomUUID(), open: randomUUID(), otherShard: randomUUID() };
  const sessionClients: pg.Client[] = [];

  beforeAll(async () => {
    const tenants = Object.entries(ids).map(([label, id]) => [id, `it-alert-inputs-${label}-${id.slice(0, 8)}`, label === 'otherShard' ? 'shard-2' : 'shard-1']);
    for (const [id, name, shardId] of tenants) await getControlPool().query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', $3)`, [id, name, shardId]);
  });

  afterEach(async () => {
    await Promise.all(sessionClients.splice(0).map((client) => client.end().catch(() => {})));
  });

  afterAll(async () => {
    await getControlPool().query('delete from tenants where id = any($1::uuid[])', [Object.values(ids)]);
  });

  it('reads each tenant of the shard at or over the floor by its peak share of a tier limit, plus every open one', async () => {
    // free tier: 5 connections, 1,000 API calls an hour, 500 MiB, 5 users.
    const freeStorage = 524_288_000;
    const usage = `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method) values ($1, $2, now(), now(), $3, $4, 'apportioned')`;
    await getControlPool().query(usage, [ids.storage, 'shard-1', Math.round(0.9 * freeStorage), 1]);
    await getControlPool().query(usage, [ids.quiet, 'shard-1', Math.round(0.5 * freeStorage), 2]);
    await getControlPool().query(usage, [ids.otherShard, 'shard-2', freeStorage, 5]);
    for (let index = 0; index < 4; index++) sessionClients.push(await connectAsApp(nodePort(1, 'primary'), `tenant:${ids.sessions}`));
    const now = samplingSlot(new Date(), Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S));
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    await getControlPool().query(`insert into tenant_hour_usage (tenant_id, hour, api_calls, synced_at) values ($1, $2, 1000, now())`, [ids.apiCalls, hour]);
    await sampleShard(shard(), now, 'it-alerts');

    const inputs = await loadAlertInputs(getControlPool(), shard(), specs('tenant_limit_pct'), { from: now, to: now }, { floorPct: 80, openTenantIds: [ids.open] });
    const mine = new Set<string>(Object.values(ids));
    const byTenant = new Map(
      inputs
        .get('tenant_limit_pct')!
        .filter((entry) => mine.has(entry.target.tenantId!))
        .map((entry) => [entry.target.tenantId, entry]),
    );

    expect([...byTenant.keys()].sort()).toEqual([ids.storage, ids.sessions, ids.apiCalls, ids.open].sort());
    const pct = (id: string) => byTenant.get(id)!.samples.map(({ at, value, paused }) => ({ at, value, paused }));
    expect(pct(ids.storage)).toEqual([{ at: now, value: 90, paused: false }]);
    expect(pct(ids.sessions)).toEqual([{ at: now, value: 80, paused: false }]);
    expect(pct(ids.apiCalls)).toEqual([{ at: now, value: 100, paused: false }]);
    // Below the floor, still sampled while its alert is open: seen on the good side.
    expect(pct(ids.open)).toEqual([{ at: now, value: 0, paused: false }]);
    expect(byTenant.get(ids.storage)!.target).toEqual({ kind: 'tenant', shardId: 'shard-1', nodeId: null, tenantId: ids.storage });
  });
});

describe('the mean statement time sample', () => {
  it('reads a primary without pg_stat_statements as up, its statement totals unknown (null), never down', async () => {
    // The control server has the library preloaded but no extension in its database: a primary without it.
    const node = { id: 'it-no-pg-stat-statements', role: 'primary' as const, url: getFleet().control.url };
    const result = await readNodeSample(node, 2);
    expect(result.up).toBe(true);
    const values = result.up ? result.reading.values : {};
    expect(values).toMatchObject({ statements_calls: null, statements_exec_ms: null });
    expect(values.xact_commit).toBeGreaterThan(0);
  });

  it('reads no statement totals on a replica (the rule is on primaries)', async () => {
    const replica = shard().nodes.find((node) => node.role === 'replica')!;
    const result = await readNodeSample(replica, 2);
    expect(result.up && result.reading.values).not.toHaveProperty('statements_calls');
  });
});
