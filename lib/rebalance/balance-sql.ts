/**
 * The control-DB statements behind the balance page, the rebalance planner's
 * input and new-tenant placement. Everything comes from what the worker
 * already stored (directory, measured storage, metric samples, statement
 * snapshots): planning never touches a shard.
 *
 * Shared parameters:
 *   $1 / $2  shard ids and their primaries' node ids (parallel text arrays)
 *   $3       the window, in seconds, back from now()
 */

/** Every shard the control plane knows, retired ones included (tenants may still point at them). */
export const SHARDS_SQL = `
  select id, name, status
  from shards
  order by id`;

/**
 * One row per tenant: measured storage (tenant_usage_latest; 0 until the
 * first measurement) and load = seconds its sessions spent active over the
 * window (sampled active sessions × interval, summed over every node of any
 * shard: the load follows the tenant, not the shard that served it then).
 *
 * Complete hours the worker has rolled up are read from the hourly rollups
 * (their `sum` is the same per-sample sum), the rest from raw samples: a 7-day
 * window of a busy fleet is millions of raw tenant rows but a few thousand
 * rollup rows per tenant-hour. An hour counts as rolled up once it has
 * node_up rollups (every sampled node gets one per hour, busy tenants or not).
 * Hours are UTC, as the rollups'. At 100k tenants this is 100k rows: the
 * planner needs every one.
 *
 * $1  the window, in seconds
 */
export const PLANNER_TENANTS_SQL = `
  with rolled_up_hours as (
    select distinct hour
    from metric_rollups
    where metric = 'node_up'
      and hour >= now() - make_interval(secs => $1)
      and hour < date_trunc('hour', now(), 'UTC')
  ),
  tenant_load as (
    select tenant_id, sum(active_seconds) as active_seconds
    from (
      select tenant_id, sum as active_seconds
      from metric_rollups
      where metric = 'tenant_active_seconds'
        and hour >= now() - make_interval(secs => $1)
        and hour in (select hour from rolled_up_hours)
      union all
      select tenant_id, (v ->> 'active_seconds')::float8 as active_seconds
      from metric_samples
      where kind = 'tenant'
        and at > now() - make_interval(secs => $1)
        and date_trunc('hour', at, 'UTC') not in (select hour from rolled_up_hours)
    ) as per_source
    group by tenant_id
  )
  select
    t.id::text as tenant_id,
    t.name,
    t.shard_id,
    t.status,
    t.pinned,
    t.layout,
    coalesce(u.storage_bytes, 0)::float8 as bytes,
    coalesce(l.active_seconds, 0)::float8 as load
  from tenants t
  left join tenant_usage_latest u on u.tenant_id = t.id
  left join tenant_load l on l.tenant_id = t.id
  order by t.shard_id, t.id`;

/**
 * Each primary's newest node sample within the window: whether it answered,
 * how old it is (the shard's numbers are stale past three sampling
 * intervals), connections in use against what ordinary roles may open
 * (max_connections minus the superuser reserve; healthy: well under 80 %),
 * and the database size now. A primary without a row here was never sampled
 * in the window: stale.
 */
export const PRIMARY_LATEST_SAMPLE_SQL = `
  select
    p.shard_id,
    s.up,
    extract(epoch from now() - s.at)::float8 as age_seconds,
    (s.v ->> 'connections_total')::float8 as connections_used,
    (s.v ->> 'max_connections')::float8 - coalesce((s.v ->> 'reserved_connections')::float8, 0) as connections_max,
    (s.v ->> 'db_size_bytes')::float8 as db_size_bytes
  from unnest($1::text[], $2::text[]) as p (shard_id, node_id)
  join lateral (
    select at, up, v
    from metric_samples
    where kind = 'node'
      and shard_id = p.shard_id
      and node_id = p.node_id
      and pool is null
      and tenant_id is null
      and at > now() - make_interval(secs => $3)
    order by at desc
    limit 1
  ) s on true`;

/**
 * Each primary's trends over the window, from its node samples:
 * - commits per second: reset-safe increase of xact_commit between
 *   consecutive samples (a counter below the previous one restarted from
 *   zero), over the seconds those pairs cover; a down sample is a gap, not 0;
 * - connections and database size per day: least-squares slope over the
 *   window (what the capacity note extrapolates; noisy over 1 h, steady over 7 d).
 *   No slope until the samples span long enough to mean something: 1 h for
 *   size (a fresh fleet's few minutes would extrapolate one bulk load to
 *   terabytes a day), 6 h for connections (they swing with the daily traffic).
 */
export const PRIMARY_TRENDS_SQL = `
  with series as (
    select
      shard_id,
      at,
      (v ->> 'xact_commit')::float8 as commits,
      lag((v ->> 'xact_commit')::float8) over by_time as previous_commits,
      extract(epoch from measured_at - lag(measured_at) over by_time)::float8 as seconds_since_previous,
      (v ->> 'connections_total')::float8 as connections,
      (v ->> 'db_size_bytes')::float8 as db_size_bytes
    from metric_samples
    where kind = 'node'
      and (shard_id, node_id) in (select * from unnest($1::text[], $2::text[]))
      and pool is null
      and tenant_id is null
      and at > now() - make_interval(secs => $3)
    window by_time as (partition by shard_id order by at)
  )
  select
    shard_id,
    sum(case when commits >= previous_commits then commits - previous_commits else commits end)
      filter (where previous_commits is not null and seconds_since_previous > 0)
      / nullif(sum(seconds_since_previous) filter (where commits is not null and previous_commits is not null and seconds_since_previous > 0), 0)
      as commits_per_second,
    case when max(at) - min(at) >= interval '6 hours'
      then regr_slope(connections, extract(epoch from at)) * 86400 end as connections_per_day,
    case when max(at) - min(at) >= interval '1 hour'
      then regr_slope(db_size_bytes, extract(epoch from at)) * 86400 end as bytes_per_day
  from series
  group by shard_id`;

/**
 * Each primary's data filesystem from its newest host sample in the window
 * (nodes with a metricsUrl only): its size is the storage a shard can hold;
 * size minus available is what it holds now, WAL and everything else included.
 */
export const PRIMARY_FILESYSTEM_SQL = `
  select
    p.shard_id,
    (h.v ->> 'fs_size_bytes')::float8 as fs_size_bytes,
    (h.v ->> 'fs_avail_bytes')::float8 as fs_avail_bytes
  from unnest($1::text[], $2::text[]) as p (shard_id, node_id)
  join lateral (
    select v
    from metric_samples
    where kind = 'host'
      and shard_id = p.shard_id
      and node_id = p.node_id
      and pool is null
      and tenant_id is null
      and up
      and v ->> 'fs_size_bytes' is not null
      and at > now() - make_interval(secs => $3)
    order by at desc
    limit 1
  ) h on true`;

/**
 * Statement time per second on each primary over the window, from the
 * pg_stat_statements snapshots (top-level statements only: nested ones are
 * inside their caller's time). A statement absent from a snapshot did not
 * move, so its value at any time is its latest row at or before it.
 *
 * span: from the last snapshot at or before the window start (or, when the
 * history begins inside the window, its first snapshot) to the last one in it.
 * Each row inside the span adds its increase over the same statement's
 * previous row (lag, or for its first row in the span the latest row at or
 * before the span start, one index probe). A statement first recorded inside
 * the span adds nothing for that first row: its counter may hold time from
 * before the window, and undercounting a new statement beats inventing load.
 * Cost: the rows of one primary's snapshots in the window (≤ 500 per snapshot).
 * 1 s of statement time per second ≈ one backend busy all the time.
 */
export const PRIMARY_STATEMENT_TIME_SQL = `
  with span as (
    select
      p.shard_id,
      p.node_id,
      coalesce(
        (select max(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at <= now() - make_interval(secs => $3)),
        (select min(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at > now() - make_interval(secs => $3))
      ) as from_at,
      (select max(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at > now() - make_interval(secs => $3)) as to_at
    from unnest($1::text[], $2::text[]) as p (shard_id, node_id)
  ),
  rows_in_span as (
    select
      sp.shard_id,
      sp.from_at,
      s.node_id,
      s.queryid,
      s.username,
      s.dbname,
      s.total_exec_time_ms,
      lag(s.total_exec_time_ms) over (partition by s.node_id, s.queryid, s.username, s.dbname order by s.at) as previous_ms
    from span sp
    join statement_snapshots s on s.node_id = sp.node_id
    where s.toplevel
      and s.at > sp.from_at
      and s.at <= sp.to_at
  ),
  increases as (
    select
      i.shard_id,
      case
        when coalesce(i.previous_ms, b.total_exec_time_ms) is null then 0
        when i.total_exec_time_ms >= coalesce(i.previous_ms, b.total_exec_time_ms) then i.total_exec_time_ms - coalesce(i.previous_ms, b.total_exec_time_ms)
        else i.total_exec_time_ms
      end as increase_ms
    from rows_in_span i
    left join lateral (
      select before.total_exec_time_ms
      from statement_snapshots before
      where i.previous_ms is null
        and before.node_id = i.node_id
        and before.queryid = i.queryid
        and before.username = i.username
        and before.dbname = i.dbname
        and before.toplevel
        and before.at <= i.from_at
      order by before.at desc
      limit 1
    ) b on true
  )
  select
    sp.shard_id,
    coalesce((select sum(increase_ms) from increases x where x.shard_id = sp.shard_id), 0) / 1000
      / extract(epoch from sp.to_at - sp.from_at)::float8 as statement_seconds_per_second
  from span sp
  where sp.to_at > sp.from_at`;
