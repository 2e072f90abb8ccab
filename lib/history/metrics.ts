/**
 * The one allowlist of history metrics. Samples store raw readings (gauges
 * and cumulative counters) as JSON per scope; each metric here says how to
 * turn one sample, and the one before it of the same series, into a value.
 *
 * `valueSql` is a trusted SQL fragment over these columns of the history
 * query (lib/history/history-sql.ts), never built from request input:
 *   v   jsonb  this sample's readings (null when the node was down)
 *   pv  jsonb  the previous sample's readings in the same series (null after a gap)
 *   dt  float8 seconds between the two measurements
 *
 * Counters: a reading below the previous one is a stats reset (or a restart):
 * the increase is then the reading itself (the counter restarted from zero),
 * as Prometheus' rate() does. Never a negative rate. Without a previous
 * reading (the first sample after a gap, or a counter the previous sample did
 * not have) there is no increase: null, not the whole counter.
 */

export type SampleKind = 'node' | 'pool' | 'host' | 'tenant';
export type Aggregate = 'avg' | 'sum' | 'max' | 'min';

export interface MetricDefinition {
  name: string;
  label: string;
  unit: string;
  kind: SampleKind;
  valueSql: string;
  /** How samples inside one time bucket combine: 'avg' for levels and rates, 'sum' for amounts per interval. */
  bucket: Aggregate;
  /** How series of one shard combine into the shard's line on the fleet overview. */
  acrossShard: Aggregate;
}

export const num = (key: string, row = 'v') => `(${row}->>'${key}')::float8`;

/** Increase of one counter since the previous sample, reset-safe. */
export const increase = (key: string) =>
  `(case when ${num(key, 'pv')} is null then null when ${num(key)} >= ${num(key, 'pv')} then ${num(key)} - ${num(key, 'pv')} else ${num(key)} end)`;

const perSecond = (...keys: string[]) => `(case when dt > 0 then (${keys.map(increase).join(' + ')}) / dt end)`;

const percentOf = (part: string, whole: string) => `(100 * ${num(part)} / nullif(${num(whole)}, 0))`;

const defs: MetricDefinition[] = [
  // ---- node: connections
  { name: 'node_up', label: 'Node up (1) / down (0)', unit: 'bool', kind: 'node', valueSql: `(case when v is null then 0 else 1 end)`, bucket: 'min', acrossShard: 'min' },
  { name: 'connections', label: 'Client connections', unit: 'connections', kind: 'node', valueSql: num('connections_total'), bucket: 'avg', acrossShard: 'sum' },
  {
    name: 'connections_pct',
    label: 'Connections (% of max_connections minus the superuser reserve)',
    unit: '%',
    kind: 'node',
    valueSql: `(100 * ${num('connections_total')} / nullif(${num('max_connections')} - ${num('reserved_connections')}, 0))`,
    bucket: 'avg',
    acrossShard: 'max',
  },
  { name: 'connections_active', label: 'Active connections', unit: 'connections', kind: 'node', valueSql: num('connections_active'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'idle_in_transaction', label: 'Sessions idle in transaction', unit: 'connections', kind: 'node', valueSql: num('connections_idle_in_transaction'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'longest_idle_in_transaction_seconds', label: 'Longest idle in transaction', unit: 's', kind: 'node', valueSql: num('longest_idle_in_transaction_seconds'), bucket: 'max', acrossShard: 'max' },
  // ---- node: throughput and cache (derived from cumulative pg_stat_database counters)
  { name: 'tps', label: 'Transactions per second (commits + rollbacks)', unit: 'tx/s', kind: 'node', valueSql: perSecond('xact_commit', 'xact_rollback'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'rollbacks_per_s', label: 'Rollbacks per second', unit: '/s', kind: 'node', valueSql: perSecond('xact_rollback'), bucket: 'avg', acrossShard: 'sum' },
  {
    name: 'cache_hit_pct',
    label: 'Buffer cache hit ratio',
    unit: '%',
    kind: 'node',
    valueSql: `(100 * ${increase('blks_hit')} / nullif(${increase('blks_hit')} + ${increase('blks_read')}, 0))`,
    bucket: 'avg',
    acrossShard: 'min',
  },
  { name: 'tuples_read_per_s', label: 'Rows read per second (returned + fetched)', unit: 'rows/s', kind: 'node', valueSql: perSecond('tup_returned', 'tup_fetched'), bucket: 'avg', acrossShard: 'sum' },
  {
    name: 'tuples_written_per_s',
    label: 'Rows written per second (inserted + updated + deleted)',
    unit: 'rows/s',
    kind: 'node',
    valueSql: perSecond('tup_inserted', 'tup_updated', 'tup_deleted'),
    bucket: 'avg',
    acrossShard: 'sum',
  },
  { name: 'temp_bytes_per_s', label: 'Temp file bytes per second', unit: 'bytes/s', kind: 'node', valueSql: perSecond('temp_bytes'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'deadlocks_per_min', label: 'Deadlocks per minute', unit: '/min', kind: 'node', valueSql: `(60 * ${perSecond('deadlocks')})`, bucket: 'avg', acrossShard: 'sum' },
  {
    name: 'mean_statement_ms',
    label: 'Mean statement time (pg_stat_statements, primaries)',
    unit: 'ms',
    kind: 'node',
    valueSql: `(${increase('statements_exec_ms')} / nullif(${increase('statements_calls')}, 0))`,
    bucket: 'avg',
    acrossShard: 'max',
  },
  { name: 'db_size_bytes', label: 'Database size', unit: 'bytes', kind: 'node', valueSql: num('db_size_bytes'), bucket: 'max', acrossShard: 'max' },
  // ---- node: replication and WAL
  { name: 'replica_lag_seconds', label: 'Replica lag (time)', unit: 's', kind: 'node', valueSql: num('replica_lag_seconds'), bucket: 'max', acrossShard: 'max' },
  { name: 'replica_lag_bytes', label: 'Replica lag (WAL bytes)', unit: 'bytes', kind: 'node', valueSql: num('replica_lag_bytes'), bucket: 'max', acrossShard: 'max' },
  { name: 'slot_retained_bytes', label: 'WAL retained by replication slots (largest slot)', unit: 'bytes', kind: 'node', valueSql: num('slot_retained_bytes'), bucket: 'max', acrossShard: 'max' },
  {
    name: 'inactive_slot_retained_bytes',
    label: 'WAL retained by inactive replication slots (largest)',
    unit: 'bytes',
    kind: 'node',
    valueSql: num('inactive_slot_retained_bytes'),
    bucket: 'max',
    acrossShard: 'max',
  },
  { name: 'wal_archived_per_min', label: 'WAL files archived per minute', unit: '/min', kind: 'node', valueSql: `(60 * ${perSecond('archived_count')})`, bucket: 'avg', acrossShard: 'sum' },
  { name: 'wal_archive_failures_per_min', label: 'WAL archive failures per minute', unit: '/min', kind: 'node', valueSql: `(60 * ${perSecond('archive_failed_count')})`, bucket: 'avg', acrossShard: 'sum' },
  // ---- PgBouncer pools (one series per database/user pool)
  { name: 'pool_waiting', label: 'Clients waiting in PgBouncer', unit: 'clients', kind: 'pool', valueSql: num('clients_waiting'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'pool_active_clients', label: 'Active PgBouncer clients', unit: 'clients', kind: 'pool', valueSql: num('clients_active'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'pool_utilisation_pct', label: 'PgBouncer pool utilisation (active servers / pool size)', unit: '%', kind: 'pool', valueSql: num('utilisation_pct'), bucket: 'avg', acrossShard: 'max' },
  { name: 'pool_maxwait_seconds', label: 'Longest PgBouncer client wait', unit: 's', kind: 'pool', valueSql: num('maxwait_seconds'), bucket: 'max', acrossShard: 'max' },
  // ---- host metrics (Prometheus endpoint per node)
  {
    name: 'cpu_pct',
    label: 'CPU busy',
    unit: '%',
    kind: 'host',
    valueSql: `(100 * (1 - ${increase('cpu_idle_seconds')} / nullif(${increase('cpu_total_seconds')}, 0)))`,
    bucket: 'avg',
    acrossShard: 'max',
  },
  { name: 'mem_pct', label: 'Memory used', unit: '%', kind: 'host', valueSql: `(100 - ${percentOf('mem_available_bytes', 'mem_total_bytes')})`, bucket: 'avg', acrossShard: 'max' },
  { name: 'disk_pct', label: 'Data filesystem used', unit: '%', kind: 'host', valueSql: `(100 - ${percentOf('fs_avail_bytes', 'fs_size_bytes')})`, bucket: 'max', acrossShard: 'max' },
  // ---- tenants (sessions tagged application_name = tenant:<id>)
  { name: 'tenant_sessions', label: 'Tenant sessions', unit: 'sessions', kind: 'tenant', valueSql: num('sessions'), bucket: 'avg', acrossShard: 'sum' },
  { name: 'tenant_active_seconds', label: 'Tenant active time (seconds of query time)', unit: 's', kind: 'tenant', valueSql: num('active_seconds'), bucket: 'sum', acrossShard: 'sum' },
];

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(defs.map((metric) => [metric.name, metric]));

export const METRIC_NAMES = defs.map((metric) => metric.name);

export function findMetric(name: string): MetricDefinition | undefined {
  return METRICS.get(name);
}
