-- Tenants and tiers: tenant layouts, directory search, measured storage and
-- the usage mirror the directory sorts and filters on.

-- Substring search on tenant names at 100k tenants (pg_trgm ships with
-- Postgres contrib and is available on Supabase).
create extension if not exists pg_trgm;

-- shared: rows in the shard's public tenant tables, keyed by tenant_id.
-- schema: one schema per tenant holding the same tables (named schema_name).
alter table tenants
  add column layout text not null default 'shared' check (layout in ('shared', 'schema')),
  add column schema_name text unique check (schema_name ~ '^[a-z_][a-z0-9_]{0,62}$'),
  add constraint tenants_schema_name_matches_layout check ((layout = 'schema') = (schema_name is not null));

create index tenants_name_trgm_idx on tenants using gin (name gin_trgm_ops);
create index tenants_created_at_idx on tenants (created_at, id);

-- Storage and users per tenant, measured by the worker (one job per shard on
-- an interval). Partitioned by day like metric_samples and kept as long as
-- the rollups: the planner reads growth rates from it. `at` is the
-- measurement slot; (tenant, slot) is the idempotency key of a retried job.
--   method 'apportioned': shared layout, per table the tenant's share of the
--     row bytes times heap + TOAST size, plus its share of the rows times the
--     index size (index entries are fixed-width keys).
--   method 'schema': schema layout, pg_total_relation_size of its relations.
create table tenant_usage_samples (
  at             timestamptz not null,
  measured_at    timestamptz not null,
  tenant_id      uuid not null,
  shard_id       text not null,
  storage_bytes  bigint not null check (storage_bytes >= 0),
  users          integer not null check (users >= 0),
  method         text not null check (method in ('apportioned', 'schema')),
  primary key (tenant_id, at)
) partition by range (at);

create index tenant_usage_samples_shard_at_idx on tenant_usage_samples (shard_id, at);

-- The latest measurement per tenant: what the directory joins and sorts on.
create table tenant_usage_latest (
  tenant_id      uuid primary key references tenants (id) on delete cascade,
  shard_id       text not null,
  at             timestamptz not null,
  measured_at    timestamptz not null,
  storage_bytes  bigint not null check (storage_bytes >= 0),
  users          integer not null check (users >= 0),
  method         text not null check (method in ('apportioned', 'schema'))
);

-- This hour's Redis counters per tenant, copied by the worker every sampling
-- interval (lib/tenants/counters-sync.ts). Redis stays the source of truth and
-- pages read it live; this mirror only lets the directory sort and filter
-- 100k tenants on API calls in one indexed control query. A row whose hour is
-- not the current one counts as zero.
create table tenant_hour_usage (
  tenant_id         uuid primary key references tenants (id) on delete cascade,
  hour              timestamptz not null,
  api_calls         bigint not null default 0,
  rate_limited      bigint not null default 0,
  cache_hit         bigint not null default 0,
  cache_miss        bigint not null default 0,
  synced_at         timestamptz not null
);

create index tenant_hour_usage_api_calls_idx on tenant_hour_usage (hour, api_calls, tenant_id);
