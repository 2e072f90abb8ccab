import type pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import type { AlertMetricSpec } from './alert-metrics';
import { NODE_DOWN_METRIC } from './alert-metrics';
import type { AlertSample, AlertTarget } from './alert-model';
import { LOOK_BACK_INTERVALS, metricColumn, SESSIONS_FRESHNESS_INTERVALS, TENANT_LIMIT_PCT_SQL, windowSamplesSql } from './alert-inputs-sql';

/**
 * What the alert evaluation reads for one shard and one window: per metric,
 * its targets and their samples, one per sampling slot (tenants: one, at the
 * window's end). Reads the control DB only (the stored samples and the tenant
 * directory), on the caller's connection, so the evaluation sees them inside
 * its own transaction.
 *
 * The rules of a sample (AlertSample): a node that did not answer pauses
 * every rule of the node but node_up (which reads 0), and of its host; a
 * scope missing from a round, or a pooler or host endpoint that did not
 * answer, gives no value (never a good one).
 */

export interface TargetSamples {
  target: AlertTarget;
  samples: AlertSample[];
}

type Queryable = Pick<pg.ClientBase, 'query'>;
type SampledKind = 'node' | 'pool' | 'host';

/** One stored sample of one scope at one slot: whether it answered, and the value of each metric read. */
export interface ScopeReading {
  up: boolean;
  values: ReadonlyMap<string, number | null>;
}

/** A kind's readings by slot (epoch ms) and node id ('' for the pooler). */
export type KindReadings = ReadonlyMap<number, ReadonlyMap<string, ScopeReading>>;

const finiteOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

// ------------------------------------------------------------------ pure

/** The targets of a metric on a shard, in the fleet file's order. */
export function targetsOf(spec: AlertMetricSpec, shard: ShardConfig): AlertTarget[] {
  const base = { shardId: shard.id, tenantId: null };
  switch (spec.target) {
    case 'node':
      return shard.nodes.filter((node) => spec.roles.includes(node.role)).map((node) => ({ ...base, kind: 'node', nodeId: node.id }));
    case 'host':
      return shard.nodes
        .filter((node) => node.metricsUrl !== undefined && spec.roles.includes(node.role))
        .map((node) => ({ ...base, kind: 'host', nodeId: node.id }));
    case 'pool':
      return shard.pooler ? [{ ...base, kind: 'pool', nodeId: null }] : [];
    case 'tenant':
      return [];
  }
}

/** A node target at one slot. */
export function nodeSample(metric: string, at: Date, reading: ScopeReading | undefined): AlertSample {
  if (!reading) return { at, value: null, paused: false };
  if (!reading.up) return metric === NODE_DOWN_METRIC ? { at, value: 0, paused: false } : { at, value: null, paused: true };
  return { at, value: reading.values.get(metric) ?? null, paused: false };
}

/** The pooler at one slot: a PgBouncer that did not answer has no value (its own rules say nothing about a dead pooler). */
export function poolSample(metric: string, at: Date, reading: ScopeReading | undefined): AlertSample {
  return { at, value: reading?.up ? (reading.values.get(metric) ?? null) : null, paused: false };
}

/** A node's host at one slot: paused while the node itself is down (its node-down alert speaks for it). */
export function hostSample(metric: string, at: Date, reading: ScopeReading | undefined, nodeReading: ScopeReading | undefined): AlertSample {
  if (nodeReading && !nodeReading.up) return { at, value: null, paused: true };
  return { at, value: reading?.up ? (reading.values.get(metric) ?? null) : null, paused: false };
}

/** One sample per slot for every target of a sampled metric, slots in order. */
export function sampledTargetSamples(
  spec: AlertMetricSpec,
  shard: ShardConfig,
  slots: readonly Date[],
  readings: Readonly<Record<SampledKind, KindReadings>>,
): TargetSamples[] {
  return targetsOf(spec, shard).map((target) => ({
    target,
    samples: slots.map((at) => {
      const slot = at.getTime();
      const nodeReading = target.nodeId === null ? undefined : readings.node.get(slot)?.get(target.nodeId);
      switch (target.kind) {
        case 'node':
          return nodeSample(spec.metric, at, nodeReading);
        case 'pool':
          return poolSample(spec.metric, at, readings.pool.get(slot)?.get(''));
        case 'host':
          return hostSample(spec.metric, at, readings.host.get(slot)?.get(target.nodeId!), nodeReading);
        case 'tenant':
          return { at, value: null, paused: false };
      }
    }),
  }));
}

/** Tenant targets: the shard's tenants over the floor, and every open one (a tenant gone from the directory uses nothing: 0 %). */
export function tenantTargetSamples(shardId: string, at: Date, pctByTenant: ReadonlyMap<string, number | null>, openTenantIds: readonly string[]): TargetSamples[] {
  const tenantIds = [...new Set([...pctByTenant.keys(), ...openTenantIds.map((id) => id.toLowerCase())])].sort();
  return tenantIds.map((tenantId) => ({
    target: { kind: 'tenant', shardId, nodeId: null, tenantId },
    samples: [{ at, value: pctByTenant.has(tenantId) ? (pctByTenant.get(tenantId) ?? null) : 0, paused: false }],
  }));
}

// ------------------------------------------------------------------ reads

interface WindowSampleRow {
  at: Date;
  node_id: string | null;
  up: boolean;
  [column: string]: unknown;
}

interface WindowReadings {
  slots: Date[];
  readings: KindReadings;
}

async function readKind(
  db: Queryable,
  kind: SampledKind,
  shardId: string,
  specs: readonly AlertMetricSpec[],
  window: { from: Date; to: Date },
  lookBackSeconds: number,
): Promise<WindowReadings> {
  const sql = windowSamplesSql(kind, specs.map((spec) => spec.valueSql!));
  const { rows } = await db.query<WindowSampleRow>(sql, [kind, shardId, window.from, window.to, lookBackSeconds]);
  const slots = new Map<number, Date>();
  const readings = new Map<number, Map<string, ScopeReading>>();
  for (const row of rows) {
    const slot = row.at.getTime();
    slots.set(slot, row.at);
    let scopes = readings.get(slot);
    if (!scopes) {
      scopes = new Map();
      readings.set(slot, scopes);
    }
    const values = new Map(specs.map((spec, index) => [spec.metric, finiteOrNull(row[metricColumn(index)])]));
    scopes.set(row.node_id ?? '', { up: row.up, values });
  }
  return { slots: [...slots.values()].sort((a, b) => a.getTime() - b.getTime()), readings };
}

interface TenantPctRow {
  tenant_id: string;
  pct: number | null;
}

async function readTenantPct(db: Queryable, shardId: string, to: Date, tenants: { floorPct: number; openTenantIds: readonly string[] }, sampleIntervalS: number) {
  const hour = new Date(Math.floor(to.getTime() / 3_600_000) * 3_600_000);
  const { rows } = await db.query<TenantPctRow>(TENANT_LIMIT_PCT_SQL, [
    shardId,
    SESSIONS_FRESHNESS_INTERVALS * sampleIntervalS,
    hour,
    tenants.floorPct,
    tenants.openTenantIds,
  ]);
  return new Map(rows.map((row) => [row.tenant_id, finiteOrNull(row.pct)]));
}

/**
 * Per metric name, the targets of the shard and their samples in the window
 * (both ends inclusive; already evaluated slots are the state machine's to
 * skip). One query per sample kind in use, one for the tenants.
 */
export async function loadAlertInputs(
  db: Queryable,
  shard: ShardConfig,
  metrics: readonly AlertMetricSpec[],
  window: { from: Date; to: Date },
  tenants: { floorPct: number; openTenantIds: readonly string[] },
): Promise<Map<string, TargetSamples[]>> {
  const sampleIntervalS = getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  const lookBackSeconds = LOOK_BACK_INTERVALS * sampleIntervalS;
  const sampled = metrics.filter((spec) => spec.valueSql !== null);
  const ofKind = (kind: SampledKind) => sampled.filter((spec) => spec.target === kind);
  const result = new Map<string, TargetSamples[]>();

  if (sampled.length > 0) {
    // Node samples always: their slots are the rounds of the window, and a host pauses while its node is down.
    const node = await readKind(db, 'node', shard.id, ofKind('node'), window, lookBackSeconds);
    const empty: WindowReadings = { slots: [], readings: new Map() };
    const pool = ofKind('pool').length > 0 && shard.pooler ? await readKind(db, 'pool', shard.id, ofKind('pool'), window, lookBackSeconds) : empty;
    const host = ofKind('host').length > 0 ? await readKind(db, 'host', shard.id, ofKind('host'), window, lookBackSeconds) : empty;
    const readings = { node: node.readings, pool: pool.readings, host: host.readings };
    for (const spec of sampled) result.set(spec.metric, sampledTargetSamples(spec, shard, node.slots, readings));
  }

  const tenantSpecs = metrics.filter((spec) => spec.valueSql === null && spec.target === 'tenant');
  if (tenantSpecs.length > 0) {
    const pctByTenant = await readTenantPct(db, shard.id, window.to, tenants, sampleIntervalS);
    for (const spec of tenantSpecs) result.set(spec.metric, tenantTargetSamples(shard.id, window.to, pctByTenant, tenants.openTenantIds));
  }
  return result;
}
