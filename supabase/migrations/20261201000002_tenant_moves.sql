-- Online tenant moves (lib/rebalance/move-*.ts; DESIGN.md "the move protocol").
--
-- A run is one executed plan; each of its moves takes one tenant from its
-- source shard to a target shard through checkpointed phases (prepare, copy,
-- catch_up, fence, drain, verify, switch, cleanup; rollback on failure or
-- cancel before switch). `checkpoint` holds what a resumed move needs to
-- check real state before acting again (replication object names, the fence
-- LSN, verification progress); each phase is idempotent.

create table rebalance_runs (
  id            uuid primary key default gen_random_uuid(),
  -- The plan as the planner returned it and the server re-checked it (lib/rebalance/rebalance-model.ts Plan).
  plan          jsonb not null,
  status        text not null default 'running' check (status in ('running', 'done', 'failed', 'cancelled')),
  created_by    text not null,
  created_at    timestamptz not null default now(),
  finished_at   timestamptz
);

create index rebalance_runs_created_idx on rebalance_runs (created_at desc);

create table tenant_moves (
  id                   uuid primary key default gen_random_uuid(),
  run_id               uuid references rebalance_runs (id) on delete set null,
  tenant_id            uuid not null references tenants (id),
  source_shard_id      text not null references shards (id),
  target_shard_id      text not null references shards (id),
  strategy             text not null default 'logical' check (strategy in ('logical', 'copy')),
  phase                text not null default 'prepare'
                         check (phase in ('prepare', 'copy', 'catch_up', 'fence', 'drain', 'verify', 'switch', 'cleanup', 'rollback', 'finished')),
  status               text not null default 'queued'
                         check (status in ('queued', 'running', 'done', 'rolled_back', 'failed', 'cancelled')),
  phase_started_at     timestamptz,
  checkpoint           jsonb not null default '{}'::jsonb,
  bytes_total          bigint,
  bytes_copied         bigint not null default 0,
  rows_copied          bigint not null default 0,
  fence_lsn            pg_lsn,
  fenced_at            timestamptz,
  switched_at          timestamptz,
  -- switch commit − fence commit: how long the tenant's writes were refused.
  write_block_ms       integer,
  -- Per table: rows and hash on both sides (lib/rebalance/move-model.ts TableVerification[]).
  verification         jsonb,
  error                text,
  attempts             integer not null default 0,
  started_by           text not null,
  cancel_requested_by  text,
  cancel_requested_at  timestamptz,
  created_at           timestamptz not null default now(),
  started_at           timestamptz,
  finished_at          timestamptz,
  check (source_shard_id <> target_shard_id)
);

-- One live move per tenant.
create unique index tenant_moves_live_tenant_uidx on tenant_moves (tenant_id)
  where status in ('queued', 'running');
create index tenant_moves_run_idx on tenant_moves (run_id);
create index tenant_moves_created_idx on tenant_moves (created_at desc);

-- What the janitor dropped: replication objects with Shardscope's prefix that no live move owned.
create table move_janitor_drops (
  id          bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  shard_id    text not null,
  node_id     text not null,
  kind        text not null check (kind in ('subscription', 'publication', 'slot')),
  name        text not null,
  move_id     uuid
);

create index move_janitor_drops_at_idx on move_janitor_drops (at desc);
