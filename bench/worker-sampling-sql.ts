/**
 * The SQL the worker benchmark (bench/worker-sampling.ts) measures with: what
 * the control database says of jobs, samples and heartbeats, and what a
 * monitored node says of the sampler's own statements and connections.
 */

// --- control database (metric history and pg-boss) -------------------------

/** The worker's own record of its CPU time (process.cpuUsage(), µs), rewritten every 5 s. */
export const HEARTBEATS_SQL = `
  select
    worker_id,
    last_beat_at,
    (cpu_user_us + cpu_system_us)::float8 as cpu_us
  from worker_heartbeats
  where worker_id = any($1)`;

/**
 * One round = one slot: from the slot's start to the last sample measured.
 * Jobs are spread over the first half of the interval by design, so a healthy
 * round is a little over half the interval, and always under a whole one.
 */
export const ROUND_STATS_SQL = `
  with rounds as (
    select
      at,
      extract(epoch from max(measured_at) - at) * 1000 as round_ms,
      count(*) filter (where kind = 'node') as node_samples,
      count(*) filter (where kind = 'node' and up) as nodes_up
    from metric_samples
    where at >= $1
      and at < $2
      and worker_id = any($3)
    group by at
  )
  select
    count(*)::int as rounds,
    percentile_disc(0.5) within group (order by round_ms)::float8 as p50_ms,
    percentile_disc(0.99) within group (order by round_ms)::float8 as p99_ms,
    min(node_samples)::int as fewest_node_samples,
    min(nodes_up)::int as fewest_nodes_up
  from rounds`;

/** Samples are the (shard, slot) jobs each worker ran: their worker_id says whose. */
export const JOB_SHARE_SQL = `
  select
    worker_id,
    count(distinct (shard_id, at))::int as jobs
  from metric_samples
  where at >= $1
    and at < $2
    and worker_id = any($3)
  group by worker_id`;

export const LAST_SLOT_SQL = `select max(at) as at from metric_samples`;

/**
 * pg-boss job rows of the measured slots (the schema is one of this bench's
 * own names). Handler time is the job's own durationMs; wait is start_after →
 * started_on (healthy: about the polling interval, else every loop is busy).
 */
export const jobStatsSql = (schema: string) => `
  select
    count(*) filter (where state = 'completed')::int as completed,
    count(*) filter (where state = 'failed')::int as failed,
    count(*) filter (where retry_count > 0)::int as retried,
    count(*) filter (where state in ('created', 'retry', 'active'))::int as unfinished,
    percentile_disc(0.5) within group (order by (output->>'durationMs')::float8) filter (where state = 'completed')::float8 as handler_p50_ms,
    percentile_disc(0.99) within group (order by (output->>'durationMs')::float8) filter (where state = 'completed')::float8 as handler_p99_ms,
    percentile_disc(0.5) within group (order by extract(epoch from completed_on - started_on) * 1000) filter (where state = 'completed')::float8 as boss_p50_ms,
    percentile_disc(0.99) within group (order by extract(epoch from completed_on - started_on) * 1000) filter (where state = 'completed')::float8 as boss_p99_ms,
    percentile_disc(0.5) within group (order by extract(epoch from started_on - start_after) * 1000) filter (where started_on is not null)::float8 as wait_p50_ms,
    percentile_disc(0.99) within group (order by extract(epoch from started_on - start_after) * 1000) filter (where started_on is not null)::float8 as wait_p99_ms
  from ${schema}.job
  where name = $1
    and (data->>'at')::timestamptz >= $2
    and (data->>'at')::timestamptz < $3`;

/** Jobs of the measured slots not run yet: a worker that cannot keep up leaves some behind at the last slot's end. */
export const unfinishedJobsSql = (schema: string) => `
  select count(*)::int as unfinished
  from ${schema}.job
  where name = $1
    and (data->>'at')::timestamptz >= $2
    and (data->>'at')::timestamptz < $3
    and state in ('created', 'retry', 'active')`;

/**
 * Double samples, over every slot after $2 (slots the previous phase's worker
 * already sampled are left out: re-running them rightly inserts nothing).
 * Healthy: both 0. Job ids are fixed by (queue, shard, slot), so N tickers make
 * one job; a job that found its rows already written reports inserted = 0.
 */
export const doublesSql = (schema: string) => `
  select
    (select count(*)::int from (
       select 1
       from ${schema}.job
       where name = $1
         and (data->>'at')::timestamptz > $2
       group by data->>'shardId', data->>'at'
       having count(*) > 1) doubled) as doubled_jobs,
    (select count(*)::int
       from ${schema}.job
       where name = $1
         and (data->>'at')::timestamptz > $2
         and state = 'completed'
         and (output->>'inserted')::int = 0) as redone_jobs,
    (select count(distinct data->>'at')::int
       from ${schema}.job
       where name = $1
         and (data->>'at')::timestamptz > $2) as slots`;

// --- the monitored node (shard 1's primary) --------------------------------

export const RESET_STATEMENTS_SQL = `select pg_stat_statements_reset()`;

/** Sessions ever opened to the node's database (counted at connect): new connections between two reads. */
export const NODE_CLOCK_SQL = `
  select
    clock_timestamp() as now,
    (select sessions::float8 from pg_stat_database where datname = current_database()) as sessions`;

/** The sampler's statements carry SAMPLER_MARKER ($1, so this query's own text does not). */
export const SAMPLER_STATEMENTS_SQL = `
  select
    position('pg_stat_statements' in query) > 0 as statement_snapshot,
    calls::float8 as calls,
    total_exec_time::float8 as total_exec_ms
  from pg_stat_statements
  where position($1 in query) > 0`;

/** The workers' node pools hold their connections between rounds; healthy: well under max_connections. */
export const WORKER_CONNECTIONS_SQL = `
  select
    count(*)::int as connections,
    current_setting('max_connections')::int as max_connections
  from pg_stat_activity
  where application_name = $1`;
