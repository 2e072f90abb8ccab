-- Control plane: the tenant directory, tiers and limits, and the audit log.
-- tenants.shard_id is the single source of truth for routing a tenant.

create table shards (
  id          text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text not null,
  status      text not null default 'active' check (status in ('active', 'draining', 'retired')),
  created_at  timestamptz not null default now()
);

-- One row per tier. Limits are per tenant; editable later by admins.
create table tier_limits (
  tier                     text primary key check (tier in ('free', 'starter', 'professional', 'enterprise')),
  rank                     smallint not null unique,
  max_connections          integer not null check (max_connections > 0),
  max_api_calls_per_hour   bigint  not null check (max_api_calls_per_hour > 0),
  max_storage_bytes        bigint  not null check (max_storage_bytes > 0),
  max_users                integer not null check (max_users > 0),
  updated_at               timestamptz not null default now(),
  updated_by               text
);

insert into tier_limits (tier, rank, max_connections, max_api_calls_per_hour, max_storage_bytes, max_users) values
  ('free',         0,   5,     1000,     524288000,     5),   -- 500 MiB
  ('starter',      1,  20,    20000,    5368709120,    25),   -- 5 GiB
  ('professional', 2,  60,   200000,   53687091200,   250),   -- 50 GiB
  ('enterprise',   3, 200,  2000000,  536870912000,  5000);   -- 500 GiB

create table tenants (
  id          uuid primary key default gen_random_uuid(),
  name        text not null unique,
  tier        text not null references tier_limits (tier),
  shard_id    text not null references shards (id),
  -- moving: a rebalance is copying it; fenced: writes blocked during a switch.
  status      text not null default 'active' check (status in ('active', 'moving', 'fenced', 'suspended')),
  -- pinned tenants are never moved by the rebalancer.
  pinned      boolean not null default false,
  created_at  timestamptz not null default now()
);

create index tenants_shard_id_idx on tenants (shard_id);

-- Append-only record of every mutation: who, what, on what, and how it ended.
create table audit_log (
  id          bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  actor       text not null,
  actor_role  text not null,
  action      text not null,
  target      text,
  result      text not null check (result in ('ok', 'refused', 'failed')),
  detail      jsonb not null default '{}'::jsonb
);

create index audit_log_at_idx on audit_log (at desc);
