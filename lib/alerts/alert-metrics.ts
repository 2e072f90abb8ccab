import { findMetric, increase } from '@/lib/history/metrics';
import type { Comparator, TargetKind } from './alert-model';

/**
 * The metrics an alert rule may watch: each names its history metric (the
 * allowlist in lib/history/metrics.ts) and says what it is evaluated on, in
 * which unit thresholds are given and in which range they are valid.
 *
 * `valueSql` is the per-sample value the evaluation reads (same columns as
 * the history query: v, pv, dt). It is the history metric's own, except where
 * an alert needs a guard the chart does not (the cache ratio only counts with
 * enough block reads behind it). tenant_limit_pct is not a sampled metric: it
 * is read from the tenant directory's usage against tier limits.
 */

export type AlertUnit = '%' | 's' | 'ms' | 'bytes' | '/min' | 'bool';

export interface AlertMetricSpec {
  metric: string;
  /** Operator wording for lists and messages. */
  label: string;
  unit: AlertUnit;
  target: TargetKind;
  /** Node targets: the roles the metric means something on (replica lag on replicas, statements on primaries). */
  roles: readonly ('primary' | 'replica')[];
  /** The comparator of the metric's rules (fixed: an admin edits thresholds, not the direction). */
  comparator: Comparator;
  /** Valid thresholds, in `unit`. */
  min: number;
  max: number;
  /** The history metric charted for it (the /alerts link opens its chart); null for tenant_limit_pct. */
  historyMetric: string | null;
  /** Per-sample value SQL over v/pv/dt; null for tenant_limit_pct (read by lib/alerts/alert-inputs.ts). */
  valueSql: string | null;
}

/** Fewer block accesses than this between two samples make the cache ratio noise (a few reads of a cold page). */
export const CACHE_RATIO_MIN_BLOCKS = 1000;

const TB = 1024 ** 4;

function historyValue(name: string): string {
  const metric = findMetric(name);
  if (!metric) throw new Error(`alert metric ${name} is not in the history allowlist`);
  return metric.valueSql;
}

const cacheHitWithVolume = `(case when ${increase('blks_hit')} + ${increase('blks_read')} >= ${CACHE_RATIO_MIN_BLOCKS} then ${historyValue('cache_hit_pct')} end)`;

const both = ['primary', 'replica'] as const;

const specs: AlertMetricSpec[] = [
  { metric: 'node_up', label: 'Node down', unit: 'bool', target: 'node', roles: both, comparator: '<', min: 0, max: 1, historyMetric: 'node_up', valueSql: historyValue('node_up') },
  { metric: 'connections_pct', label: 'Connections (% of max)', unit: '%', target: 'node', roles: both, comparator: '>', min: 0, max: 100, historyMetric: 'connections_pct', valueSql: historyValue('connections_pct') },
  { metric: 'replica_lag_seconds', label: 'Replica lag', unit: 's', target: 'node', roles: ['replica'], comparator: '>', min: 0, max: 86_400, historyMetric: 'replica_lag_seconds', valueSql: historyValue('replica_lag_seconds') },
  { metric: 'cache_hit_pct', label: 'Cache hit ratio', unit: '%', target: 'node', roles: both, comparator: '<', min: 0, max: 100, historyMetric: 'cache_hit_pct', valueSql: cacheHitWithVolume },
  { metric: 'pool_utilisation_pct', label: 'PgBouncer pool utilisation', unit: '%', target: 'pool', roles: both, comparator: '>', min: 0, max: 100, historyMetric: 'pool_utilisation_pct', valueSql: historyValue('pool_utilisation_pct') },
  { metric: 'pool_maxwait_seconds', label: 'Clients waiting in PgBouncer', unit: 's', target: 'pool', roles: both, comparator: '>', min: 0, max: 3600, historyMetric: 'pool_maxwait_seconds', valueSql: historyValue('pool_maxwait_seconds') },
  { metric: 'mean_statement_ms', label: 'Mean statement time', unit: 'ms', target: 'node', roles: ['primary'], comparator: '>', min: 0, max: 3_600_000, historyMetric: 'mean_statement_ms', valueSql: historyValue('mean_statement_ms') },
  { metric: 'db_size_bytes', label: 'Database size', unit: 'bytes', target: 'node', roles: ['primary'], comparator: '>', min: 0, max: 1024 * TB, historyMetric: 'db_size_bytes', valueSql: historyValue('db_size_bytes') },
  { metric: 'disk_pct', label: 'Data filesystem used', unit: '%', target: 'host', roles: both, comparator: '>', min: 0, max: 100, historyMetric: 'disk_pct', valueSql: historyValue('disk_pct') },
  {
    metric: 'inactive_slot_retained_bytes',
    label: 'WAL retained by an inactive replication slot',
    unit: 'bytes',
    target: 'node',
    roles: both,
    comparator: '>',
    min: 0,
    max: 1024 * TB,
    historyMetric: 'inactive_slot_retained_bytes',
    valueSql: historyValue('inactive_slot_retained_bytes'),
  },
  {
    metric: 'wal_archive_failures_per_min',
    label: 'WAL archiving failing',
    unit: '/min',
    target: 'node',
    roles: both,
    comparator: '>',
    min: 0,
    max: 10_000,
    historyMetric: 'wal_archive_failures_per_min',
    valueSql: historyValue('wal_archive_failures_per_min'),
  },
  {
    metric: 'longest_idle_in_transaction_seconds',
    label: 'Session idle in transaction',
    unit: 's',
    target: 'node',
    roles: both,
    comparator: '>',
    min: 0,
    max: 86_400,
    historyMetric: 'longest_idle_in_transaction_seconds',
    valueSql: historyValue('longest_idle_in_transaction_seconds'),
  },
  { metric: 'tenant_limit_pct', label: 'Tenant near its tier limit', unit: '%', target: 'tenant', roles: both, comparator: '>=', min: 0, max: 1000, historyMetric: null, valueSql: null },
];

export const ALERT_METRICS: ReadonlyMap<string, AlertMetricSpec> = new Map(specs.map((spec) => [spec.metric, spec]));
export const ALERT_METRIC_NAMES = specs.map((spec) => spec.metric);

export function findAlertMetric(metric: string): AlertMetricSpec | undefined {
  return ALERT_METRICS.get(metric);
}

/** The node-down rule: its own alert, and the reason every other rule of the node pauses. */
export const NODE_DOWN_METRIC = 'node_up';
