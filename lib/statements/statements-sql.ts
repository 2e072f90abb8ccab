/**
 * The control-DB statements behind the statements page (GET /api/queries and
 * GET /api/queries/:statementHash). Everything reads the worker's
 * pg_stat_statements snapshots of each shard's primary
 * (lib/history/statement-snapshots.ts): a statement absent from a snapshot
 * did not move, so its counters at any time are its latest stored row at or
 * before it. The live reads of a node are lib/monitor/statements-snapshot.ts.
 *
 * Increase rule (the reference is counterIncrease in statements-math.ts):
 * per (node, queryid, user, db, toplevel), the later reading minus the
 * baseline; a counter that went backwards (the entry was reset or evicted and
 * created again) or a stats reset of the node in between starts a new
 * baseline, and the increase is the later reading itself. Never negative.
 * Exec time only (planning time is not in pg_stat_statements' mean/stddev).
 */

/**
 * The numbers of one stored reading, as additive moments (float8): exec_sq is
 * Σ t² of its executions (n·σ² + T²/n), so standard deviations of any sum of
 * readings come out exact. `alias` is a table alias of statement_snapshots.
 */
function readingColumns(alias: string): string {
  return `
      ${alias}.calls::float8 as calls,
      ${alias}.total_exec_time_ms as exec_ms,
      coalesce(${alias}.calls * ${alias}.stddev_exec_time_ms ^ 2 + ${alias}.total_exec_time_ms ^ 2 / nullif(${alias}.calls, 0), 0) as exec_sq,
      ${alias}.rows::float8 as rows,
      ${alias}.shared_blks_hit::float8 as hit,
      ${alias}.shared_blks_read::float8 as read,
      ${alias}.blk_read_time_ms + ${alias}.blk_write_time_ms as io_ms,
      (${alias}.temp_blks_read + ${alias}.temp_blks_written)::float8 as temp_blks,
      ${alias}.wal_bytes::float8 as wal_bytes`;
}

/** The moment columns, in the order readingColumns gives them. */
const MOMENTS = ['calls', 'exec_ms', 'exec_sq', 'rows', 'hit', 'read', 'io_ms', 'temp_blks', 'wal_bytes'] as const;

/**
 * One moment's increase over the window for one key (see the flags in
 * WINDOW_INCREASES_SQL): the end reading less the baseline when the baseline
 * holds, plus, when the node's stats were reset inside the window, what the
 * key did before the reset (its last reading before it, less the baseline).
 */
function windowIncrease(moment: string): string {
  return `greatest(f.keep_end * (e.${moment} - f.less_baseline_end * coalesce(b.${moment}, 0)), 0)
      + greatest(f.keep_pre * (coalesce(pre.${moment}, 0) - f.less_baseline_pre * coalesce(b.${moment}, 0)), 0) as ${moment}`;
}

const sumsOf = () => MOMENTS.map((moment) => `sum(${moment}) as ${moment}`).join(',\n      ');

/**
 * Per primary, the span of snapshots a window reads, and what happened inside:
 * - from_at: the last snapshot at or before the window start, or, when the
 *   history begins inside the window, its first snapshot; to_at: the last
 *   one. The window is covered on a node when to_at > from_at.
 * - baseline_complete: the from_at snapshot kept every statement that had
 *   moved (it kept fewer rows than a full snapshot holds). Then a statement
 *   with no row at or before from_at did not exist at from_at, and all its
 *   counters are new; otherwise it may have existed unrecorded, and its first
 *   reading is not counted (undercounting beats inventing load).
 * - stale_before: the last run before from_at with another stats_reset than
 *   from_at's: a baseline row at or before it predates a reset of the node
 *   and does not hold.
 * - reset_at: the last run inside the span whose stats_reset changed (a
 *   pg_stat_statements_reset() happened just before it); resets: those runs
 *   and the ones whose dealloc rose (entries evicted), for the operator.
 *
 * $1 shard ids, $2 primary node ids (parallel), $3 window start,
 * $4 rows a full snapshot holds (TOP_BY_TOTAL_TIME + MAX_MOVERS).
 * Cost: a few index probes on statement_snapshot_runs per node, plus its runs
 * inside the window (288 a day at the 5 min default).
 */
export const SNAPSHOT_SPANS_SQL = `
  with span as (
    select
      p.shard_id,
      p.node_id,
      coalesce(
        (select max(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at <= $3),
        (select min(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at > $3)
      ) as from_at,
      (select max(r.at) from statement_snapshot_runs r where r.node_id = p.node_id and r.at > $3) as to_at
    from unnest($1::text[], $2::text[]) as p (shard_id, node_id)
  )
  select
    sp.shard_id,
    sp.node_id,
    sp.from_at,
    sp.to_at,
    coalesce(base.statements_kept < $4, false) as baseline_complete,
    (
      select max(r.at)
      from statement_snapshot_runs r
      where r.node_id = sp.node_id
        and r.at < sp.from_at
        and r.stats_reset is distinct from base.stats_reset
    ) as stale_before,
    changes.reset_at,
    coalesce(changes.resets, '{}') as resets
  from span sp
  left join statement_snapshot_runs base on base.node_id = sp.node_id and base.at = sp.from_at
  left join lateral (
    select
      max(runs.at) filter (where runs.stats_reset_changed) as reset_at,
      array_agg(runs.at order by runs.at) filter (where runs.stats_reset_changed or runs.dealloc_rose) as resets
    from (
      select
        r.at,
        r.stats_reset is distinct from lag(r.stats_reset) over by_time as stats_reset_changed,
        r.dealloc > lag(r.dealloc) over by_time as dealloc_rose
      from statement_snapshot_runs r
      where r.node_id = sp.node_id
        and r.at >= sp.from_at
        and r.at <= sp.to_at
      window by_time as (order by r.at)
    ) as runs
    where runs.at > sp.from_at
  ) as changes on true
  order by sp.shard_id, sp.node_id`;

/**
 * Every statement's increase over a window on each covered primary, per
 * (statement hash, node, user): what the report filters, sorts and merges
 * across shards in one pass (statements-report.ts). Plus, per node, all its
 * statement time (top-level statements only, as nested ones are inside their
 * caller's time): the denominator of "% of all statement time", which the
 * text and user filters do not change.
 *
 * Keys that moved in the span come from statement_latest (its `at` is the
 * key's last stored row: that row is the end reading, one index probe on its
 * day partition). The baseline is the key's last row at or before from_at
 * (one backward probe; day partitions are scanned newest first and the probe
 * stops at the first hit). Only when the node's stats were reset inside the
 * span, a third probe finds the key's last reading before the reset. So the
 * cost follows the number of keys that moved in the window (≤ 5,000 per node
 * at pg_stat_statements.max's default), about 10 µs each, not the snapshot
 * rows stored: 80,000 keys (16 nodes) take ≈ 1 s (npm run bench:queries),
 * which is why the report keeps the result until a new snapshot changes the
 * spans.
 *
 * Flags per key (s, f):
 *   after_reset     its end reading is from after the node's last stats reset
 *                   in the span: that reading is all new;
 *   baseline_known  it has a baseline row from the node's current stats epoch;
 *   keep_end        count the end reading (not when the baseline is unknown);
 *   less_baseline_end / less_baseline_pre  subtract the baseline (not when the
 *                   counter went backwards: the reading itself is the increase).
 *
 * $1 node ids, $2 from_at, $3 to_at, $4 reset_at, $5 stale_before,
 * $6 baseline_complete (parallel arrays, from SNAPSHOT_SPANS_SQL, covered nodes only).
 *
 * Rows: kind 'statement' (statement_hash, node_id, username and the moments),
 * and one kind 'node' row per covered node carrying its all_time_ms.
 */
export const WINDOW_INCREASES_SQL = `
  with covered as (
    select *
    from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::boolean[])
      as c (node_id, from_at, to_at, reset_at, stale_before, baseline_complete)
  ),
  keys as (
    select c.*, l.queryid, l.username, l.dbname, l.toplevel, l.at as end_at
    from covered c
    join statement_latest l on l.node_id = c.node_id
    where l.at > c.from_at
      and l.at <= c.to_at
  ),
  increases as (
    select
      k.node_id,
      e.statement_hash,
      k.username,
      k.toplevel,
      ${MOMENTS.map(windowIncrease).join(',\n      ')}
    from keys k
    cross join lateral (
      select e.statement_hash, ${readingColumns('e')}
      from statement_snapshots e
      where e.node_id = k.node_id
        and e.queryid = k.queryid
        and e.username = k.username
        and e.dbname = k.dbname
        and e.toplevel = k.toplevel
        and e.at = k.end_at
    ) as e
    left join lateral (
      select b.at, ${readingColumns('b')}
      from statement_snapshots b
      where b.node_id = k.node_id
        and b.queryid = k.queryid
        and b.username = k.username
        and b.dbname = k.dbname
        and b.toplevel = k.toplevel
        and b.at <= k.from_at
      order by b.at desc
      limit 1
    ) as b on true
    left join lateral (
      select ${readingColumns('p')}
      from statement_snapshots p
      where k.reset_at is not null
        and k.end_at >= k.reset_at
        and p.node_id = k.node_id
        and p.queryid = k.queryid
        and p.username = k.username
        and p.dbname = k.dbname
        and p.toplevel = k.toplevel
        and p.at > k.from_at
        and p.at < k.reset_at
      order by p.at desc
      limit 1
    ) as pre on true
    cross join lateral (
      select
        coalesce(k.end_at >= k.reset_at, false) as after_reset,
        b.calls is not null and (k.stale_before is null or b.at > k.stale_before) as baseline_known
    ) as s
    cross join lateral (
      select
        case when s.after_reset or s.baseline_known or k.baseline_complete then 1 else 0 end as keep_end,
        case when not s.after_reset and s.baseline_known and e.calls >= b.calls then 1 else 0 end as less_baseline_end,
        case when s.after_reset and pre.calls is not null and (s.baseline_known or k.baseline_complete) then 1 else 0 end as keep_pre,
        case when s.baseline_known and pre.calls >= b.calls then 1 else 0 end as less_baseline_pre
    ) as f
  )
  select
    'statement' as kind,
    statement_hash,
    node_id,
    username,
    ${sumsOf()},
    null::float8 as all_time_ms
  from increases
  group by statement_hash, node_id, username
  having sum(calls) > 0 or sum(exec_ms) > 0
  union all
  select
    'node' as kind,
    null,
    c.node_id,
    null,
    ${MOMENTS.map((moment) => `null::float8 as ${moment}`).join(', ')},
    coalesce((select sum(i.exec_ms) from increases i where i.node_id = c.node_id and i.toplevel), 0)
  from covered c`;

/** The normalized texts of the statements in a window's increases. $1 statement hashes. */
export const STATEMENT_TEXTS_SQL = `
  select statement_hash, query
  from statement_texts
  where statement_hash = any($1::text[])`;

/**
 * Settings for the transaction that reads a window: one snapshot of the
 * control DB for the spans and the increases (a snapshot landing in between
 * would otherwise cut keys out), no JIT (compiling the plan costs ≈ 0.5 s,
 * more than running it), and room to aggregate 80,000 keys in memory.
 */
export const BEGIN_WINDOW_READ_SQL = `begin isolation level repeatable read read only`;

/**
 * The statement page's reads (text, spans, readings, runs) see one snapshot
 * of the control DB (first statement of its transaction); 7 d of a busy
 * statement on 16 nodes is 32,000 readings, grouped in memory.
 */
export const READ_ONE_SNAPSHOT_SQL = `set transaction isolation level repeatable read, read only`;
export const DETAIL_READ_SETTINGS_SQL = `select set_config('work_mem', '32MB', true)`;
export const WINDOW_READ_SETTINGS_SQL = `select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`;

/** A statement's normalized text, or no row when the snapshots never held it. */
export const STATEMENT_TEXT_SQL = `
  select query
  from statement_texts
  where statement_hash = $1`;

/**
 * One statement's stored readings over a range, for its page: every row of it
 * inside each covered node's span (the index on (statement_hash, at)) and,
 * per key, its baseline (last row at or before from_at). The increases per
 * snapshot interval are computed from these by keyIncreases
 * (statement-detail.ts), with the same rule as the list.
 *
 * $1 statement hash; $2 node ids, $3 from_at, $4 to_at (parallel arrays).
 * Cost: at most one row per node per snapshot in the range (7 d at 5 min:
 * 2,016 per node and key) and one probe per key. Unordered: the caller
 * groups by key and orders each key's readings.
 */
export const STATEMENT_READINGS_SQL = `
  with covered as (
    select *
    from unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) as c (node_id, from_at, to_at)
  ),
  in_span as (
    select s.node_id, s.queryid, s.username, s.dbname, s.toplevel, s.at, ${readingColumns('s')}
    from covered c
    join statement_snapshots s on s.statement_hash = $1
      and s.node_id = c.node_id
      and s.at > c.from_at
      and s.at <= c.to_at
  ),
  keys as (
    select distinct node_id, queryid, username, dbname, toplevel
    from in_span
  )
  select false as baseline, * from in_span
  union all
  select true as baseline, k.node_id, k.queryid, k.username, k.dbname, k.toplevel, b.*
  from keys k
  join covered c on c.node_id = k.node_id
  cross join lateral (
    select b.at, ${readingColumns('b')}
    from statement_snapshots b
    where b.node_id = k.node_id
      and b.queryid = k.queryid
      and b.username = k.username
      and b.dbname = k.dbname
      and b.toplevel = k.toplevel
      and b.at <= c.from_at
    order by b.at desc
    limit 1
  ) as b`;

/**
 * The times of the snapshot runs inside the covered nodes' spans (the
 * statement page's chart has one point per run; the worker's runs share
 * their slot times across nodes), and at each, the nodes whose stats were
 * reset just before it (stats_reset changed since their previous run): a
 * reset between two readings starts a new baseline.
 *
 * $1 node ids, $2 from_at, $3 to_at (parallel arrays).
 */
export const SPAN_RUNS_SQL = `
  select at, coalesce(array_agg(node_id) filter (where stats_reset_changed), '{}') as reset_nodes
  from (
    select
      r.node_id,
      r.at,
      c.from_at,
      r.stats_reset is distinct from lag(r.stats_reset) over (partition by r.node_id order by r.at) as stats_reset_changed
    from unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) as c (node_id, from_at, to_at)
    join statement_snapshot_runs r on r.node_id = c.node_id
      and r.at >= c.from_at
      and r.at <= c.to_at
  ) as runs
  where runs.at > runs.from_at
  group by at
  order by at`;
