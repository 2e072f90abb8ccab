/**
 * Fixture SQL for bench/queries.ts: the control DB holding what the worker
 * would have stored after days of pg_stat_statements snapshots of 16
 * primaries with 5,000 statements each (the scale), generated
 * server-side and seeded so every run is alike.
 *
 * Shape, per node: the same application on every shard, so most statements
 * exist on every node under another queryid (it hashes relation OIDs), merged
 * by the hash of their text. The 100 hottest statements move in every
 * snapshot; the others move at a rate falling with their rank (Zipf-like),
 * so a snapshot keeps ≈ 180 rows per node, under the worker's 500 bound.
 * One node's stats are reset two hours before the end (new baseline), and
 * one shard is slow for every 40th statement (the outlier flag).
 */

export const SEED_RANDOM_SQL = `select setseed(0.20261203)`;

/** The fleet's distinct statements, four templates. $1 how many. */
export const CREATE_STATEMENTS_SQL = `
  create temp table bench_statements as
  select n, md5(query) as statement_hash, query
  from (
    select n,
      case n % 4
        when 0 then format('select o.id, o.status, o.total_cents, o.created_at from orders_%s o where o.tenant_id = $1 and o.status = $2 order by o.created_at desc limit $3', n)
        when 1 then format('update sessions_%s set last_seen_at = $1, hits = hits + $2 where tenant_id = $3 and id = $4', n)
        when 2 then format('insert into events_%s (tenant_id, kind, payload, created_at) values ($1, $2, $3, $4)', n)
        else format('select count(*) from invoices_%s i join customers c on c.id = i.customer_id where i.tenant_id = $1 and i.due_at < $2', n)
      end as query
    from generate_series(1, $1::int) as n
  ) as generated`;

/** $1 when the texts were first seen. */
export const INSERT_TEXTS_SQL = `
  insert into statement_texts (statement_hash, query, first_seen_at)
  select statement_hash, query, $1::timestamptz
  from bench_statements
  on conflict (statement_hash) do nothing`;

/**
 * Per node, the statements it runs and how: `per_run` calls per snapshot
 * interval (≥ 1 for the 100 hottest, a fraction for the rest), mean time,
 * rows and blocks per call. Every node runs the 100 hottest and 4,900 of
 * the others. $1 node ids, $2 shard ids (parallel), $3 statements per node,
 * $4 distinct statements, $5 the slow shard's node index (1-based).
 */
export const CREATE_KEYS_SQL = `
  create temp table bench_keys as
  select
    node.i as node_index,
    node.node_id,
    node.shard_id,
    s.n,
    s.statement_hash,
    hashtextextended(node.node_id || ':' || s.n, 0) as queryid,
    case when s.n % 10 = 0 then 'reporting' else 'app' end as username,
    case when s.n <= 100 then 20000.0 / s.n else 20.0 / s.n end * (0.8 + 0.4 * random()) as per_run,
    (0.05 + (s.n % 97) / 10.0) * case when node.i = $5 and s.n % 40 = 0 then 6 else 1 end * (0.9 + 0.2 * random()) as mean_ms,
    1 + s.n % 20 as rows_per_call,
    3 + s.n % 50 as blocks_per_call,
    case when s.n % 13 = 0 then 0.7 else 0.99 end as hit_ratio,
    case when s.n % 4 in (1, 2) then 150 + s.n % 300 else 0 end as wal_per_call,
    case when s.n % 97 = 0 then 64 else 0 end as temp_per_call
  from unnest($1::text[], $2::text[]) with ordinality as node (node_id, shard_id, i)
  join bench_statements s
    on s.n <= 100 or (s.n + node.i * 389) % ($4::int - 100) < $3::int - 100`;

/**
 * One run row per node and snapshot. $1 node ids, $2 shard ids, $3 first run,
 * $4 runs, $5 interval (s), $6 reset node index, $7 run index of its reset,
 * $8 / $9 stats_reset before / after the reset, $10 dealloc.
 */
export const INSERT_RUNS_SQL = `
  insert into statement_snapshot_runs (at, shard_id, node_id, measured_at, statements_seen, statements_kept, dealloc, stats_reset)
  select
    $3::timestamptz + make_interval(secs => r * $5::int),
    node.shard_id,
    node.node_id,
    $3::timestamptz + make_interval(secs => r * $5::int + 2),
    5000,
    180,
    case when node.i = $6 and r >= $7 then 0 else $10::bigint end,
    case when node.i = $6 and r >= $7 then $9::timestamptz else $8::timestamptz end
  from unnest($1::text[], $2::text[]) with ordinality as node (node_id, shard_id, i)
  cross join generate_series(0, $4::int - 1) as r`;

/**
 * Cumulative readings at the runs where each key moved: its calls at run r
 * are floor(per_run × (r + 1)) since the start of its segment (the reset
 * node has two), so a key below one call per run moves only every few runs,
 * and is absent from the snapshots in between, as the worker stores it.
 * $1 first run, $2 runs, $3 interval (s), $4 reset node index, $5 run index
 * of its reset.
 */
export const INSERT_READINGS_SQL = `
  insert into statement_snapshots (
    at, shard_id, node_id, statement_hash, queryid, username, dbname, toplevel, calls,
    total_exec_time_ms, stddev_exec_time_ms, total_plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
    temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
  select
    $1::timestamptz + make_interval(secs => moved.r * $3::int),
    k.shard_id, k.node_id, k.statement_hash, k.queryid, k.username, 'app', true,
    moved.calls,
    moved.calls * k.mean_ms,
    k.mean_ms * 0.4,
    0,
    moved.calls * k.rows_per_call,
    (moved.calls * k.blocks_per_call * k.hit_ratio)::bigint,
    (moved.calls * k.blocks_per_call * (1 - k.hit_ratio))::bigint,
    0, 0,
    moved.calls * k.temp_per_call, moved.calls * k.temp_per_call,
    moved.calls * k.blocks_per_call * (1 - k.hit_ratio) * 0.02,
    0,
    case when k.wal_per_call > 0 then moved.calls else 0 end,
    moved.calls * k.wal_per_call
  from bench_keys k
  cross join lateral (
    select 0 as first_run, case when k.node_index = $4 then $5::int else $2::int end as end_run
    union all
    select $5::int, $2::int where k.node_index = $4
  ) as segment
  cross join lateral generate_series(
    1,
    case when k.per_run >= 1 then segment.end_run - segment.first_run else floor(k.per_run * (segment.end_run - segment.first_run))::int end
  ) as j
  cross join lateral (
    select
      case when k.per_run >= 1 then segment.first_run + j - 1 else segment.first_run + ceil(j / k.per_run)::int - 1 end as r,
      case when k.per_run >= 1 then floor(k.per_run * j)::bigint else j::bigint end as calls
  ) as moved
  where moved.r < segment.end_run`;

/** What "moved since the last snapshot" compares with: each key's last stored reading. $1 node ids. */
export const INSERT_LATEST_SQL = `
  insert into statement_latest (node_id, queryid, username, dbname, toplevel, calls, at)
  select distinct on (node_id, queryid, username, dbname, toplevel)
    node_id, queryid, username, dbname, toplevel, calls, at
  from statement_snapshots
  where node_id = any($1::text[])
  order by node_id, queryid, username, dbname, toplevel, at desc
  on conflict (node_id, queryid, username, dbname, toplevel) do update set calls = excluded.calls, at = excluded.at`;

/** A real node's synthetic runs carry its real pg_stat_statements_info. $1 node id, $2 stats_reset, $3 dealloc. */
export const UPDATE_RUNS_INFO_SQL = `
  update statement_snapshot_runs
  set stats_reset = $2, dealloc = $3
  where node_id = $1`;

export const ANALYZE_SQL = `analyze statement_texts, statement_snapshots, statement_snapshot_runs, statement_latest`;

/** The real nodes' pg_stat_statements_info: the synthetic runs of those nodes carry the same values. */
export const STATEMENTS_INFO_SQL = `select stats_reset, dealloc from pg_stat_statements_info`;

/**
 * A distinct statement shape per index: the index in base 3 chooses +, - or *
 * at each of 9 positions, so each shape is another expression tree and another
 * queryid (constants and aliases do not change it). Up to 3^9 = 19,683.
 */
export function distinctShape(index: number): string {
  const operators = ['+', '-', '*'];
  let expression = '$1::int';
  let rest = index;
  for (let position = 0; position < 9; position++) {
    expression = `(${expression} ${operators[rest % 3]} ${position + 2})`;
    rest = Math.floor(rest / 3);
  }
  return `select ${expression} as bench_shape`;
}
