import type { Aggregate, MetricDefinition } from './metrics';

/**
 * SQL of the history reads. Every fragment pasted into these statements comes
 * from the metric allowlist (lib/history/metrics.ts) or the constants below;
 * request values (times, ids) are always bound parameters.
 *
 * Parameters of the raw history: $1 kind, $2 from, $3 to, $4 step (s),
 * $5 look-back (s), $6 shard id, $7 node id, $8 tenant id. Of the rollup
 * history: the same without the look-back ($1 metric name, $5-$7 the scope).
 */

/** What one series stands for: a shard (fleet view), a node, a PgBouncer pool, or a tenant. */
export type SeriesLevel = 'shard' | 'node' | 'pool' | 'tenant';

const SERIES_KEY_SQL: Record<SeriesLevel, string> = {
  shard: 'shard_id',
  node: 'node_id',
  pool: 'pool',
  tenant: 'tenant_id::text',
};

const AGGREGATE_SQL: Record<Aggregate, string> = { avg: 'avg', sum: 'sum', max: 'max', min: 'min' };

/** Optional scope filters; `first` is the parameter number of the shard id. */
function scopeFilterSql(first: number): string {
  return `
      and ($${first}::text is null or shard_id = $${first})
      and ($${first + 1}::text is null or node_id = $${first + 1})
      and ($${first + 2}::uuid is null or tenant_id = $${first + 2})`;
}

/**
 * Raw samples → one value per (bucket, series). Each sample is paired with
 * the previous one of its own scope (window over measured_at) for counters;
 * the look-back gives the first sample of the range its predecessor. Values
 * combine per scope within a bucket (the metric's bucket aggregate), then
 * across the scopes of a series (its across-shard aggregate: a shard's
 * worst replica lag is the max over its replicas).
 */
/**
 * Pool rows come as one per pool plus one for the whole pooler (pool null):
 * the fleet view reads the pooler's totals, the shard view the pools.
 */
function poolerTotalsOnly(metric: MetricDefinition, level: SeriesLevel): string {
  return metric.kind === 'pool' && level === 'shard' ? 'and pool is null' : '';
}

export function rawHistorySql(metric: MetricDefinition, level: SeriesLevel): string {
  const seriesKey = SERIES_KEY_SQL[level];
  return `
    with paired as (
      select
        at, shard_id, node_id, pool, tenant_id, v,
        lag(v) over scope_window as pv,
        extract(epoch from measured_at - lag(measured_at) over scope_window)::float8 as dt
      from metric_samples
      where kind = $1
        and at >= $2::timestamptz - make_interval(secs => $5)
        and at < $3 ${poolerTotalsOnly(metric, level)} ${scopeFilterSql(6)}
      window scope_window as (partition by shard_id, node_id, pool, tenant_id order by measured_at)
    ),
    per_scope as (
      select
        date_bin(make_interval(secs => $4), at, timestamptz 'epoch') as bucket,
        ${seriesKey} as series_key,
        ${AGGREGATE_SQL[metric.bucket]}(${metric.valueSql}) as value
      from paired
      where at >= $2 and ${seriesKey} is not null
      group by 1, 2, shard_id, node_id, pool, tenant_id
    )
    select bucket, series_key, ${AGGREGATE_SQL[metric.acrossShard]}(value)::float8 as value
    from per_scope
    group by bucket, series_key
    order by series_key, bucket`;
}

/** The rollup column that keeps a metric's bucket aggregate over longer buckets. */
const ROLLUP_COLUMN: Record<Aggregate, string> = { avg: 'avg', sum: 'sum', max: 'max', min: 'min' };

/** Hourly rollups → one value per (bucket, series), for ranges older than the raw retention. */
export function rollupHistorySql(metric: MetricDefinition, level: SeriesLevel): string {
  const seriesKey = SERIES_KEY_SQL[level];
  const column = ROLLUP_COLUMN[metric.bucket];
  return `
    with per_scope as (
      select
        date_bin(make_interval(secs => $4), hour, timestamptz 'epoch') as bucket,
        ${seriesKey} as series_key,
        ${AGGREGATE_SQL[metric.bucket]}(${column}) as value
      from metric_rollups
      where metric = $1
        and hour >= $2
        and hour < $3 ${poolerTotalsOnly(metric, level)} ${scopeFilterSql(5)}
        and ${seriesKey} is not null
      group by 1, 2, shard_id, node_id, pool, tenant_id
    )
    select bucket, series_key, ${AGGREGATE_SQL[metric.acrossShard]}(value)::float8 as value
    from per_scope
    group by bucket, series_key
    order by series_key, bucket`;
}

/**
 * One metric's hourly rollup for one hour, per scope: the per-sample value
 * (as the raw history computes it) summarised as avg/min/max/sum, with the
 * number of samples and of down samples. $1 metric name, $2 kind, $3 hour
 * start, $4 look-back (s). Re-running it for the same hour replaces the row.
 */
export function rollupHourSql(metric: MetricDefinition): string {
  return `
    with paired as (
      select
        at, up, shard_id, node_id, pool, tenant_id, v,
        lag(v) over scope_window as pv,
        extract(epoch from measured_at - lag(measured_at) over scope_window)::float8 as dt
      from metric_samples
      where kind = $2
        and at >= $3::timestamptz - make_interval(secs => $4)
        and at < $3::timestamptz + interval '1 hour'
      window scope_window as (partition by shard_id, node_id, pool, tenant_id order by measured_at)
    ),
    valued as (
      select shard_id, node_id, pool, tenant_id, up, (${metric.valueSql})::float8 as value
      from paired
      where at >= $3
    )
    insert into metric_rollups (hour, metric, shard_id, node_id, pool, tenant_id, avg, min, max, sum, samples, down_samples)
    select $3, $1, shard_id, node_id, pool, tenant_id, avg(value), min(value), max(value), sum(value),
           count(*)::int, (count(*) filter (where not up))::int
    from valued
    group by shard_id, node_id, pool, tenant_id
    on conflict (metric, shard_id, node_id, pool, tenant_id, hour) do update set
      avg = excluded.avg, min = excluded.min, max = excluded.max, sum = excluded.sum,
      samples = excluded.samples, down_samples = excluded.down_samples`;
}
