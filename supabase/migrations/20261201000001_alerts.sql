-- Alerts (lib/alerts/): rules an admin edits in the console, the evaluation
-- state of every (metric, target), the events that fired with the context
-- captured at firing time, and notifications with their delivery log.
--
-- Evaluation runs in the worker after each sampling round of a shard (one
-- pg-boss job per shard and slot, under an advisory lock per shard), so each
-- (rule, target) is evaluated once per round across all workers.

-- One rule per (metric, scope). scope 'fleet' is the default for every target
-- of the metric; a 'shard' or 'node' row overrides it for that shard or node
-- (node beats shard beats fleet). An override is a whole rule: its own
-- thresholds, `for` and enabled flag (a disabled node override silences one
-- node). Thresholds are in the metric's unit (lib/alerts/alert-metrics.ts);
-- either may be null (a rule with only a warning, or only a critical level).
create table alert_rules (
  id            bigint generated always as identity primary key,
  metric        text not null,
  scope         text not null check (scope in ('fleet', 'shard', 'node')),
  shard_id      text,
  node_id       text,
  comparator    text not null check (comparator in ('>', '>=', '<', '<=')),
  warning       double precision,
  critical      double precision,
  for_seconds   integer not null check (for_seconds between 0 and 3600),
  enabled       boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  updated_by    text,
  check (warning is not null or critical is not null),
  check ((scope = 'fleet' and shard_id is null and node_id is null)
      or (scope = 'shard' and shard_id is not null and node_id is null)
      or (scope = 'node' and shard_id is not null and node_id is not null))
);

create unique index alert_rules_metric_scope_uidx
  on alert_rules (metric, scope, shard_id, node_id) nulls not distinct;

-- The fleet-wide defaults, each from the seed documents (../shared/seeds) or,
-- where they are silent, from common operating practice (said so below).
insert into alert_rules (metric, scope, comparator, warning, critical, for_seconds, updated_by) values
  -- A node that does not answer for 30 s (issue 10). Its other rules pause meanwhile.
  ('node_up',                              'fleet', '<',  null,  1,    30, 'seed'),
  -- Connections against max_connections: warn 80 %, critical 90 % (seed 000 §4.2 pool
  -- utilisation warning at 90 %; 004 "Alerting thresholds" 80 % warning / 90 % critical).
  ('connections_pct',                      'fleet', '>',  80,    90,   60, 'seed'),
  -- Replica lag: the 1 s read-routing limit (seed 000 §3 lagThreshold 1000 ms, §7
  -- "Replica lag < 1 second"; 003 §4 "alert > 1 second"); 10 s critical.
  ('replica_lag_seconds',                  'fleet', '>',  1,     10,   60, 'seed'),
  -- Buffer cache hit ratio: seed 003 §4 "alert < 90 %"; seed 000 §7 target "> 80 %".
  ('cache_hit_pct',                        'fleet', '<',  90,    80,  300, 'seed'),
  -- PgBouncer pool utilisation: seed 004 "Alerting thresholds" 80 % warning / 90 % critical.
  ('pool_utilisation_pct',                 'fleet', '>',  80,    90,   60, 'seed'),
  -- Clients waiting in PgBouncer longer than 1 s (seed 000 §4.2 pooling; issue 10).
  ('pool_maxwait_seconds',                 'fleet', '>',  1,     null, 30, 'seed'),
  -- Mean statement time: seed 003 §4 "Query response time (alert > 100ms average)";
  -- seed 004 "Query response time > 2 seconds" warning.
  ('mean_statement_ms',                    'fleet', '>',  100,   2000, 300, 'seed'),
  -- Database size: seed 004 "Database size > 10GB" warning / "> 50GB" critical (GiB here).
  ('db_size_bytes',                        'fleet', '>',  10737418240, 53687091200, 300, 'seed'),
  -- Data filesystem: 80 % / 90 % (common practice; the seeds are silent on disk).
  ('disk_pct',                             'fleet', '>',  80,    90,  300, 'seed'),
  -- An inactive replication slot retaining more than 1 GiB of WAL fills the disk (issue 10).
  ('inactive_slot_retained_bytes',         'fleet', '>',  1073741824, null, 300, 'seed'),
  -- WAL archiving failing: any failure is critical (backups and PITR are broken; issue 10).
  ('wal_archive_failures_per_min',         'fleet', '>',  null,  0,     0, 'seed'),
  -- A session idle in transaction for more than 60 s holds locks and snapshots (issue 10).
  ('longest_idle_in_transaction_seconds',  'fleet', '>',  60,    null,  0, 'seed'),
  -- A tenant at 80 % / 100 % of any of its tier's limits (seed 001 tenant_limits;
  -- the tenant directory's "near" and "over" use the same ratios).
  ('tenant_limit_pct',                     'fleet', '>=', 80,    100,  60, 'seed');

-- The evaluation state of one (metric, target): the pure state machine's
-- state (lib/alerts/alert-machine.ts) between rounds. Keyed by metric, not
-- rule, so adding or removing an override keeps a firing alert's continuity.
-- target_key: 'node:<node id>', 'pool:<shard id>', 'host:<node id>', 'tenant:<uuid>'.
create table alert_states (
  metric          text not null,
  target_key      text not null,
  shard_id        text not null,
  rule_id         bigint references alert_rules (id) on delete set null,
  event_id        bigint,
  machine         jsonb not null,
  last_sample_at  timestamptz,
  updated_at      timestamptz not null default now(),
  primary key (metric, target_key)
);

create index alert_states_shard_idx on alert_states (shard_id);

-- One row per alert that fired: from firing to resolved. severity is the
-- current one, peak_severity the worst it reached. context: what was going on
-- on the shard when it fired (top tenants, blocking roots, top statements,
-- PgBouncer waiting; lib/alerts/alert-model.ts AlertContext).
create table alert_events (
  id               bigint generated always as identity primary key,
  rule_id          bigint references alert_rules (id) on delete set null,
  metric           text not null,
  target_key       text not null,
  shard_id         text not null,
  node_id          text,
  tenant_id        uuid,
  severity         text not null check (severity in ('warning', 'critical')),
  peak_severity    text not null check (peak_severity in ('warning', 'critical')),
  started_at       timestamptz not null,
  resolved_at      timestamptz,
  resolve_reason   text,
  peak_value       double precision,
  last_value       double precision,
  threshold        double precision,
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  context          jsonb
);

-- At most one open event per (metric, target).
create unique index alert_events_open_uidx on alert_events (metric, target_key) where resolved_at is null;
create index alert_events_started_idx on alert_events (started_at desc);
create index alert_events_shard_started_idx on alert_events (shard_id, started_at desc);

alter table alert_states
  add constraint alert_states_event_fk foreign key (event_id) references alert_events (id) on delete set null;

-- Every transition of an event, numbered: fired (1), escalated, deescalated,
-- resolved, acknowledged. (event_id, seq) is what a notification is about:
-- the dedupe key of its deliveries.
create table alert_event_transitions (
  event_id   bigint not null references alert_events (id) on delete cascade,
  seq        integer not null,
  kind       text not null check (kind in ('fired', 'escalated', 'deescalated', 'resolved', 'acknowledged')),
  severity   text not null check (severity in ('warning', 'critical')),
  value      double precision,
  at         timestamptz not null,
  actor      text,
  primary key (event_id, seq)
);

-- Where notifications go. url is a secret (a Slack incoming webhook URL is a
-- credential): the API returns its host only, never the URL.
create table notification_channels (
  id                    bigint generated always as identity primary key,
  name                  text not null unique check (length(name) between 1 and 100),
  kind                  text not null check (kind in ('webhook', 'slack')),
  url                   text not null,
  enabled               boolean not null default true,
  notify_on_ack         boolean not null default false,
  consecutive_failures  integer not null default 0,
  last_success_at       timestamptz,
  last_failure_at       timestamptz,
  last_error            text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  updated_by            text
);

-- One row per message to send: the delivery log. dedupe_key is
-- '<event id>:<transition seq>:<channel id>' (or 'test:<uuid>'), unique, so
-- one transition makes one message per channel however many workers run.
create table notification_deliveries (
  id                bigint generated always as identity primary key,
  channel_id        bigint not null references notification_channels (id) on delete cascade,
  event_id          bigint references alert_events (id) on delete cascade,
  seq               integer,
  transition        text not null check (transition in ('fired', 'escalated', 'deescalated', 'resolved', 'acknowledged', 'test')),
  dedupe_key        text not null unique,
  payload           jsonb not null,
  status            text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts          integer not null default 0,
  last_status_code  integer,
  last_error        text,
  created_at        timestamptz not null default now(),
  last_attempt_at   timestamptz,
  sent_at           timestamptz
);

create index notification_deliveries_channel_idx on notification_deliveries (channel_id, id desc);
create index notification_deliveries_pending_idx on notification_deliveries (created_at) where status = 'pending';
