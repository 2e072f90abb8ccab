/**
 * The SQL of a move's logical replication objects, run on the source's and
 * the target's primaries as the shard owner (adminUrl). Object names come
 * from replicationObjectNames(moveId) (lowercase letters, digits and
 * underscores only) and are bound as values wherever a statement allows it;
 * DDL that cannot take parameters is built in move-replication.ts from
 * validated names only.
 */

/** The subscription of that name in this database (pg_subscription is shared by all databases of a cluster). */
export const SUBSCRIPTION_SQL = `
  select oid::int8::text as oid, subenabled as enabled, subslotname as slot_name
  from pg_subscription
  where subname = $1
    and subdbid = (select oid from pg_database where datname = current_database())`;

/** The publication of that name in this database. */
export const PUBLICATION_EXISTS_SQL = `
  select 1
  from pg_publication
  where pubname = $1`;

/**
 * Replication slots by exact name, or a subscription's table-sync slots:
 * `pg_<subscription oid>_sync_<relid>_<subscriber system id>`, created on the
 * source by each table's initial copy and dropped by it once the table is
 * ready. A subscription dropped without its slot (slot_name = NONE) leaves
 * them behind, so the move drops them itself. `active_pid` is the walsender
 * still streaming from the slot; healthy after a drop: no rows.
 */
export const SLOTS_SQL = `
  select slot_name, active, active_pid
  from pg_replication_slots
  where slot_name = $1
     or ($2::text is not null and starts_with(slot_name, 'pg_' || $2 || '_sync_'))`;

export const DROP_SLOT_SQL = `select pg_drop_replication_slot($1)`;

/** Ends a walsender still holding a slot (its subscriber is disabled or gone). */
export const TERMINATE_BACKEND_SQL = `select pg_terminate_backend($1)`;

/**
 * The subscription's running workers on the target: its apply worker and any
 * table-sync workers. After DISABLE the apply worker exits on its own; a
 * table-sync worker in the middle of its COPY does not, so it is ended.
 * Healthy after a drop: no rows.
 */
export const SUBSCRIPTION_WORKERS_SQL = `
  select pid
  from pg_stat_subscription
  where subid = $1::oid
    and pid is not null`;

/**
 * Each table's initial sync of a subscription: i (init), d (data copy),
 * f (copy finished), s (synchronized), r (ready: streaming like the rest).
 * The copy phase is done when every table is 'r'.
 */
export const SUBSCRIPTION_TABLES_SQL = `
  select c.relname as table_name, sr.srsubstate as state
  from pg_subscription s
  join pg_subscription_rel sr on sr.srsubid = s.oid
  join pg_class c on c.oid = sr.srrelid
  where s.subname = $1
    and s.subdbid = (select oid from pg_database where datname = current_database())
  order by c.relname`;

/**
 * The initial copies running on the target right now (table-sync workers run
 * COPY FROM): bytes and rows received so far, per table. A table with no row
 * here is waiting for its copy or done with it.
 */
export const COPY_PROGRESS_SQL = `
  select c.relname as table_name,
         p.bytes_processed::int8::text as bytes_processed,
         p.tuples_processed::int8::text as tuples_processed
  from pg_stat_progress_copy p
  join pg_class c on c.oid = p.relid
  join pg_subscription_rel sr on sr.srrelid = p.relid
  join pg_subscription s on s.oid = sr.srsubid
  where s.subname = $1
    and p.command = 'COPY FROM'`;

/**
 * The move's slot on the source: how far the target has confirmed applying
 * (and flushing) the source's WAL. lag_bytes is the catch-up distance (healthy
 * before fencing: a few kB); retained_bytes is the WAL the slot keeps on the
 * source's disk (a stuck move grows it without bound).
 */
export const SLOT_POSITION_SQL = `
  select confirmed_flush_lsn::text as confirmed_flush_lsn,
         pg_current_wal_lsn()::text as current_lsn,
         greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::int8::text as lag_bytes,
         greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::int8::text as retained_bytes,
         active
  from pg_replication_slots
  where slot_name = $1`;

/** Whether the target has confirmed everything up to an LSN (the drain phase: the fence LSN). */
export const APPLIED_PAST_SQL = `
  select coalesce(confirmed_flush_lsn >= $2::pg_lsn, false) as applied
  from pg_replication_slots
  where slot_name = $1`;

/** This cluster's system identifier: the last part of the table-sync slot names its subscriptions create elsewhere. */
export const SYSTEM_IDENTIFIER_SQL = `select system_identifier::text as system_identifier from pg_control_system()`;

/** Shardscope's objects on one primary, by name prefix (the janitor's view). */
export const PREFIXED_SUBSCRIPTIONS_SQL = `
  select oid::int8::text as oid, subname as name, subenabled as enabled, subslotname as slot_name
  from pg_subscription
  where starts_with(subname, $1)
    and subdbid = (select oid from pg_database where datname = current_database())
  order by subname`;

export const PREFIXED_PUBLICATIONS_SQL = `
  select pubname as name
  from pg_publication
  where starts_with(pubname, $1)
  order by pubname`;

/**
 * Slots with Shardscope's prefix, and every table-sync slot (their names
 * carry the subscription's oid and its cluster's system identifier, not the
 * prefix: the janitor matches them with the subscriptions it lists).
 */
export const PREFIXED_SLOTS_SQL = `
  select slot_name as name, active, slot_type
  from pg_replication_slots
  where starts_with(slot_name, $1)
     or slot_name ~ '^pg_[0-9]+_sync_[0-9]+_[0-9]+$'
  order by slot_name`;
