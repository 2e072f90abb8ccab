import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { getFleet } from '@/lib/fleet/topology';
import { HEARTBEAT_ALIVE_SECONDS } from './worker-status-model';

/**
 * GET /api/metrics: the latest stored sample per node and PgBouncer pool in
 * Prometheus text format, plus the worker's and the console's own health.
 * Counters are exported as the cumulative values the nodes report (suffix
 * _total), so Prometheus' own rate() applies; gauges as they are.
 * Tenants are left out: one series per tenant would swamp a Prometheus.
 */

/** The newest node and pool sample of each scope, if recent enough to still describe now. */
export const LATEST_SAMPLES_SQL = `
  select distinct on (kind, shard_id, node_id, pool)
    kind, shard_id, node_id, pool, up, v, extract(epoch from now() - at)::float8 as age_seconds
  from metric_samples
  where kind in ('node', 'pool')
    and at > now() - make_interval(secs => $1)
  order by kind, shard_id, node_id, pool, at desc`;

export const WORKER_HEALTH_SQL = `
  select worker_id, jobs_done, jobs_failed, last_job_ms,
         extract(epoch from now() - last_beat_at)::float8 as beat_age_seconds,
         stopped_at is null as running
  from worker_heartbeats
  where last_beat_at > now() - interval '1 day'`;

export const LAST_SAMPLE_AGE_SQL = `
  select extract(epoch from now() - max(measured_at))::float8 as age_seconds
  from metric_samples
  where kind = 'node' and at > now() - interval '2 days'`;

interface SampleRow {
  kind: 'node' | 'pool';
  shard_id: string;
  node_id: string | null;
  pool: string | null;
  up: boolean;
  v: Record<string, number | boolean | null> | null;
  age_seconds: number;
}

interface WorkerRow {
  worker_id: string;
  jobs_done: string;
  jobs_failed: string;
  last_job_ms: number | null;
  beat_age_seconds: number;
  running: boolean;
}

/** node reading key → exported metric name and help. */
const NODE_GAUGES: [string, string, string][] = [
  ['connections_total', 'shardscope_node_connections', 'Client backends connected'],
  ['max_connections', 'shardscope_node_max_connections', 'max_connections setting'],
  ['reserved_connections', 'shardscope_node_reserved_connections', 'superuser_reserved_connections setting'],
  ['connections_active', 'shardscope_node_connections_active', 'Client backends running a query'],
  ['connections_idle_in_transaction', 'shardscope_node_connections_idle_in_transaction', 'Client backends idle inside a transaction'],
  ['connections_waiting_on_lock', 'shardscope_node_connections_waiting_on_lock', 'Client backends waiting on a lock'],
  ['longest_idle_in_transaction_seconds', 'shardscope_node_longest_idle_in_transaction_seconds', 'Longest current idle-in-transaction time'],
  ['db_size_bytes', 'shardscope_node_database_size_bytes', 'Size of the node database'],
  ['replica_lag_bytes', 'shardscope_node_replica_lag_bytes', 'WAL bytes the replica has not replayed (from LSNs)'],
  ['replica_lag_seconds', 'shardscope_node_replica_lag_seconds', 'Seconds the replica data is behind (0 when caught up)'],
  ['slot_retained_bytes', 'shardscope_node_slot_retained_bytes', 'WAL retained by the largest replication slot'],
  ['inactive_slot_retained_bytes', 'shardscope_node_inactive_slot_retained_bytes', 'WAL retained by the largest inactive replication slot'],
];

const NODE_COUNTERS: [string, string, string][] = [
  ['xact_commit', 'shardscope_node_xact_commit_total', 'Transactions committed (pg_stat_database, all databases)'],
  ['xact_rollback', 'shardscope_node_xact_rollback_total', 'Transactions rolled back'],
  ['blks_hit', 'shardscope_node_blks_hit_total', 'Buffer cache hits'],
  ['blks_read', 'shardscope_node_blks_read_total', 'Blocks read from disk or OS cache'],
  ['temp_bytes', 'shardscope_node_temp_bytes_total', 'Bytes written to temp files'],
  ['deadlocks', 'shardscope_node_deadlocks_total', 'Deadlocks detected'],
  ['archived_count', 'shardscope_node_wal_archived_total', 'WAL files archived'],
  ['archive_failed_count', 'shardscope_node_wal_archive_failed_total', 'Failed WAL archive attempts'],
];

const POOL_GAUGES: [string, string, string][] = [
  ['clients_active', 'shardscope_pool_clients_active', 'PgBouncer clients linked to a server'],
  ['clients_waiting', 'shardscope_pool_clients_waiting', 'PgBouncer clients waiting for a server'],
  ['servers_active', 'shardscope_pool_servers_active', 'Server connections linked to a client'],
  ['servers_idle', 'shardscope_pool_servers_idle', 'Idle server connections'],
  ['maxwait_seconds', 'shardscope_pool_maxwait_seconds', 'Longest current client wait'],
  ['pool_size', 'shardscope_pool_size', 'Effective pool size'],
];

let consoleRegistry: Registry | undefined;

/** The console process' own metrics (CPU, memory, event loop), collected from the first scrape on. */
function getConsoleRegistry(): Registry {
  if (!consoleRegistry) {
    consoleRegistry = new Registry();
    collectDefaultMetrics({ register: consoleRegistry, prefix: 'shardscope_console_' });
  }
  return consoleRegistry;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** A cumulative value as a Prometheus counter (a fresh registry per scrape: inc from 0 sets it). */
function counter(registry: Registry, name: string, help: string, labelNames: string[]) {
  const metric = new Counter({ name, help, labelNames, registers: [registry] });
  return { set: (labels: Record<string, string>, value: number) => metric.inc(labels, Math.max(0, value)) };
}

function setReadings(
  registry: Registry,
  rows: SampleRow[],
  defs: [string, string, string][],
  labelNames: string[],
  labels: (row: SampleRow) => Record<string, string>,
  type: 'gauge' | 'counter' = 'gauge',
) {
  for (const [key, name, help] of defs) {
    const metric = type === 'gauge' ? gauge(registry, name, help, labelNames) : counter(registry, name, help, labelNames);
    for (const row of rows) {
      const value = row.v?.[key];
      if (typeof value === 'number' && Number.isFinite(value)) metric.set(labels(row), value);
    }
  }
}

function addSampleMetrics(registry: Registry, rows: SampleRow[]): void {
  const roles = new Map(getFleet().shards.flatMap((shard) => shard.nodes.map((node) => [node.id, node.role] as const)));
  const nodeRows = rows.filter((row) => row.kind === 'node');
  const poolRows = rows.filter((row) => row.kind === 'pool' && row.pool !== null);
  const nodeLabels = (row: SampleRow) => ({ shard: row.shard_id, node: row.node_id ?? '', role: roles.get(row.node_id ?? '') ?? 'unknown' });
  const nodeUp = gauge(registry, 'shardscope_node_up', 'The node answered the last sample (1) or not (0)', ['shard', 'node', 'role']);
  const sampleAge = gauge(registry, 'shardscope_node_sample_age_seconds', 'Age of the newest sample of the node', ['shard', 'node', 'role']);
  for (const row of nodeRows) {
    nodeUp.set(nodeLabels(row), row.up ? 1 : 0);
    sampleAge.set(nodeLabels(row), row.age_seconds);
  }
  setReadings(registry, nodeRows, NODE_GAUGES, ['shard', 'node', 'role'], nodeLabels);
  setReadings(registry, nodeRows, NODE_COUNTERS, ['shard', 'node', 'role'], nodeLabels, 'counter');
  const poolerUp = gauge(registry, 'shardscope_pooler_up', 'The shard PgBouncer answered the last sample', ['shard']);
  for (const row of rows.filter((candidate) => candidate.kind === 'pool' && candidate.pool === null)) poolerUp.set({ shard: row.shard_id }, row.up ? 1 : 0);
  setReadings(registry, poolRows, POOL_GAUGES, ['shard', 'pool'], (row) => ({ shard: row.shard_id, pool: row.pool ?? '' }));
  const utilisation = gauge(registry, 'shardscope_pool_utilisation_ratio', 'Active server connections / pool size', ['shard', 'pool']);
  for (const row of poolRows) {
    const value = row.v?.utilisation_pct;
    if (typeof value === 'number') utilisation.set({ shard: row.shard_id, pool: row.pool ?? '' }, value / 100);
  }
}

function addWorkerMetrics(registry: Registry, workers: WorkerRow[], lastSampleAge: number | null): void {
  const labels = ['worker'];
  const up = gauge(registry, 'shardscope_worker_up', 'Worker running and beating within 30 s', labels);
  const done = counter(registry, 'shardscope_worker_jobs_done_total', 'Jobs the worker completed', labels);
  const failed = counter(registry, 'shardscope_worker_jobs_failed_total', 'Jobs the worker failed (retried by pg-boss)', labels);
  const duration = gauge(registry, 'shardscope_worker_last_job_duration_seconds', 'Duration of the worker last job (one shard sampled)', labels);
  for (const row of workers) {
    const worker = { worker: row.worker_id };
    up.set(worker, row.running && row.beat_age_seconds < HEARTBEAT_ALIVE_SECONDS ? 1 : 0);
    done.set(worker, Number(row.jobs_done));
    failed.set(worker, Number(row.jobs_failed));
    if (row.last_job_ms !== null) duration.set(worker, row.last_job_ms / 1000);
  }
  const age = gauge(registry, 'shardscope_last_sample_age_seconds', 'Seconds since the newest node sample (sampling stopped when it grows)', []);
  if (lastSampleAge !== null) age.set(lastSampleAge);
  gauge(registry, 'shardscope_sample_interval_seconds', 'Configured sampling interval', []).set(getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S);
}

/** The exposition text; a control DB that does not answer yields shardscope_history_up 0, not an error. */
export async function renderMetricsExposition(): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const historyUp = gauge(registry, 'shardscope_history_up', 'The control database (metric history) answered this scrape', []);
  try {
    const pool = getControlPool();
    const freshSeconds = Math.max(60, 5 * getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S);
    const [samples, workers, lastSample] = await Promise.all([
      pool.query<SampleRow>(LATEST_SAMPLES_SQL, [freshSeconds]),
      pool.query<WorkerRow>(WORKER_HEALTH_SQL),
      pool.query<{ age_seconds: number | null }>(LAST_SAMPLE_AGE_SQL),
    ]);
    addSampleMetrics(registry, samples.rows);
    addWorkerMetrics(registry, workers.rows, lastSample.rows[0]?.age_seconds ?? null);
    historyUp.set(1);
  } catch {
    historyUp.set(0);
  }
  const merged = Registry.merge([getConsoleRegistry(), registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
