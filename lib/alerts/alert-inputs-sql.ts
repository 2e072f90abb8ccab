import type { SampleKind } from '@/lib/history/metrics';
import { PEAK_USAGE_RATIO, sessionsNowCtes } from '@/lib/tenants/directory-search-sql';

/**
 * SQL of what the alert evaluation reads (lib/alerts/alert-inputs.ts). Value
 * fragments come only from the alert metric allowlist
 * (lib/alerts/alert-metrics.ts, itself built on lib/history/metrics.ts);
 * every value (shard, times, tenants) is a bound parameter.
 */

/**
 * A value computed from the previous sample too (a counter's increase) has
 * none without one: the first sample after a gap (a node down, a missed
 * round) or beyond the look-back. The history's increase() would then read
 * the counter's whole cumulative value (an all-time mean, an all-time cache
 * ratio), which must not fire or resolve an alert.
 */
function withPredecessor(valueSql: string): string {
  return /\bpv\b/.test(valueSql) ? `(case when pv is not null then ${valueSql} end)` : `(${valueSql})`;
}

/**
 * A shard's samples of one kind over the evaluation window, each paired with
 * the previous sample of its own scope (lag over measured_at, as the history
 * query does), so counters have a predecessor: the look-back gives the
 * window's first sample its own. One column per metric (m0, m1, …), each the
 * metric's per-sample value over v / pv / dt. Pool samples: the pooler's
 * summary row only (pool null), the figures the pool rules watch.
 *
 * $1 kind, $2 shard id, $3 window start, $4 window end (both inclusive),
 * $5 look-back in seconds.
 */
export function windowSamplesSql(kind: Exclude<SampleKind, 'tenant'>, valueSqls: readonly string[]): string {
  const columns = valueSqls.map((valueSql, index) => `,\n      ${withPredecessor(valueSql)}::float8 as m${index}`).join('');
  return `
    with paired as (
      select
        at, node_id, up, v,
        lag(v) over scope_window as pv,
        extract(epoch from measured_at - lag(measured_at) over scope_window)::float8 as dt
      from metric_samples
      where kind = $1
        and shard_id = $2
        and at >= $3::timestamptz - make_interval(secs => $5)
        and at <= $4 ${kind === 'pool' ? 'and pool is null' : ''}
      window scope_window as (partition by node_id, pool order by measured_at)
    )
    select at, node_id, up${columns}
    from paired
    where at >= $3
    order by at, node_id`;
}

/** The column a metric's value is read from in windowSamplesSql's rows. */
export const metricColumn = (index: number) => `m${index}`;

/**
 * A shard's tenants at or above a share of any tier limit, with that share in
 * percent: the directory's peak ratio (PEAK_USAGE_RATIO over its measured
 * storage and users, this hour's synced API calls and the sessions of the
 * shard's latest sample: sessionsNowCtes), rounded to a millionth of a percent
 * so that 57 of 100 compares equal to a 57 % threshold. Tenants with an open
 * alert always come back, wherever they live now, so a tenant that dropped
 * below (or moved away) is seen on the good side.
 *
 * One query over the shard's tenants (tenants_shard_id_idx; about 6,000 per
 * shard at 100k), each joined by primary key.
 *
 * $1 shard id, $2 seconds a shard's latest sample may be old and still count
 * as "now", $3 the current UTC hour, $4 the floor in percent, $5 open tenant ids.
 */
export const TENANT_LIMIT_PCT_SQL = `
  with ${sessionsNowCtes('$2')}, usage as (
    select
      t.id,
      round((100 * ${PEAK_USAGE_RATIO})::numeric, 6)::float8 as pct
    from tenants t
    join tier_limits l on l.tier = t.tier
    left join tenant_usage_latest u on u.tenant_id = t.id
    left join tenant_hour_usage h on h.tenant_id = t.id and h.hour = $3
    left join sessions_now sn on sn.tenant_id = t.id
    where t.shard_id = $1
       or t.id = any($5::uuid[])
  )
  select id::text as tenant_id, pct
  from usage
  where pct >= $4
     or id = any($5::uuid[])
  order by id`;

/** A shard's latest sample older than this many intervals no longer says "now" (as the tenant directory reads sessions). */
export const SESSIONS_FRESHNESS_INTERVALS = 3;

/** Samples before the window this many intervals back give the window's first counters a predecessor (as the history query). */
export const LOOK_BACK_INTERVALS = 3;
