-- Metric history, written by the worker (worker/, lib/history/), read by the
-- history API, the charts, /api/metrics and (later) alerts and slow queries.
--
-- Partitioned by day on the sample time; retention drops whole day
-- partitions (lib/history/partitions.ts), never a big DELETE. Partitions are
-- created ahead by the worker's maintenance job (and on demand by the first
-- insert of a day); pg_partman would do the same, but it needs an extension
-- and its own scheduler, and the worker already is one.

-- One row per scope per sampling slot. `at` is the slot (aligned to the
-- sampling interval): with the scope it is the idempotency key, so a retried
-- job writes nothing twice. `v` holds the readings (gauges and cumulative
-- counters, see lib/history/metrics.ts); a node that did not answer has
-- up = false, v = null and the reason in `error`: a gap, never zeros.
create table metric_samples (
  at           timestamptz not null,
  measured_at  timestamptz not null,
  kind         text not null check (kind in ('node', 'pool', 'host', 'tenant')),
  shard_id     text not null,
  node_id      text,
  pool         text,
  tenant_id    uuid,
  up           boolean not null,
  v            jsonb,
  error        text,
  worker_id    text
) partition by range (at);

create unique index metric_samples_scope_at_uidx
  on metric_samples (kind, shard_id, node_id, pool, tenant_id, at) nulls not distinct;
create index metric_samples_kind_at_idx on metric_samples (kind, at);
create index metric_samples_tenant_at_idx on metric_samples (tenant_id, at) where tenant_id is not null;

-- Hourly rollups of every metric's per-sample value (avg/min/max/sum), kept
-- longer than raw samples; they serve history ranges past the raw retention.
create table metric_rollups (
  hour          timestamptz not null,
  metric        text not null,
  shard_id      text not null,
  node_id       text,
  pool          text,
  tenant_id     uuid,
  avg           double precision,
  min           double precision,
  max           double precision,
  sum           double precision,
  samples       integer not null,
  down_samples  integer not null
) partition by range (hour);

create unique index metric_rollups_scope_hour_uidx
  on metric_rollups (metric, shard_id, node_id, pool, tenant_id, hour) nulls not distinct;

-- pg_stat_statements snapshots per primary: cumulative counters per statement,
-- the top statements by total time plus every statement that moved since the
-- previous snapshot. A statement absent from a snapshot did not move, so its
-- last recorded counters still hold: windowed deltas are exact.
create table statement_texts (
  statement_hash  text primary key,   -- md5 of the normalized text: equal across shards, unlike queryid
  query           text not null,
  first_seen_at   timestamptz not null default now()
);

create table statement_snapshots (
  at                    timestamptz not null,
  shard_id              text not null,
  node_id               text not null,
  statement_hash        text not null,
  queryid               bigint not null,
  username              text not null,
  dbname                text not null,
  toplevel              boolean not null,
  calls                 bigint not null,
  total_exec_time_ms    double precision not null,
  stddev_exec_time_ms   double precision not null,
  total_plan_time_ms    double precision not null,
  rows                  bigint not null,
  shared_blks_hit       bigint not null,
  shared_blks_read      bigint not null,
  shared_blks_dirtied   bigint not null,
  shared_blks_written   bigint not null,
  temp_blks_read        bigint not null,
  temp_blks_written     bigint not null,
  blk_read_time_ms      double precision not null,
  blk_write_time_ms     double precision not null,
  wal_records           bigint not null,
  wal_bytes             numeric not null
) partition by range (at);

create unique index statement_snapshots_key_uidx
  on statement_snapshots (node_id, queryid, username, dbname, toplevel, at);
create index statement_snapshots_hash_at_idx on statement_snapshots (statement_hash, at);

-- One row per snapshot taken (even when nothing moved), with the node's
-- pg_stat_statements_info: a reset or deallocations start a new baseline.
create table statement_snapshot_runs (
  at                timestamptz not null,
  shard_id          text not null,
  node_id           text not null,
  measured_at       timestamptz not null,
  statements_seen   integer not null,
  statements_kept   integer not null,
  dealloc           bigint,
  stats_reset       timestamptz
) partition by range (at);

create unique index statement_snapshot_runs_uidx on statement_snapshot_runs (node_id, at);

-- The last recorded calls per statement and node: what "moved since the
-- previous snapshot" is measured against. At most pg_stat_statements.max rows per node.
create table statement_latest (
  node_id    text not null,
  queryid    bigint not null,
  username   text not null,
  dbname     text not null,
  toplevel   boolean not null,
  calls      bigint not null,
  at         timestamptz not null,
  primary key (node_id, queryid, username, dbname, toplevel)
);

-- One row per worker process: the overview's "worker: last sample N s ago".
create table worker_heartbeats (
  worker_id        text primary key,
  host             text not null,
  pid              integer not null,
  started_at       timestamptz not null,
  last_beat_at     timestamptz not null,
  stopped_at       timestamptz,
  jobs_done        bigint not null default 0,
  jobs_failed      bigint not null default 0,
  last_sample_at   timestamptz,
  last_job_ms      integer,
  cpu_user_us      bigint,
  cpu_system_us    bigint
);
