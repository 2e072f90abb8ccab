-- When the worker last copied each shard's tenants' Redis counters into
-- tenant_hour_usage (lib/tenants/counters-sync.ts). The sync rewrites only the
-- tenant rows whose counters changed, so a quiet tenant's row keeps the
-- synced_at of its last change; this one row per shard, written by every
-- sync, is what says how fresh the whole mirror is ("API calls as of N s ago"
-- in the directory), without touching 100k rows every interval.
create table tenant_counter_syncs (
  shard_id        text primary key,
  -- The UTC hour whose counters were copied.
  hour            timestamptz not null,
  -- When Redis was read: every tenant of the shard is at least this fresh.
  synced_at       timestamptz not null,
  tenants         integer not null check (tenants >= 0),
  -- Rows the sync wrote (changed counters or a new hour); the rest were unchanged.
  tenants_changed integer not null check (tenants_changed >= 0)
);
