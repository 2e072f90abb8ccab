/**
 * The SQL of a move's write fence on the source shard (lib/rebalance/move-fence.ts;
 * the table, trigger function and triggers come from
 * supabase/shards/migrations/20261201000002_move_fence.sql). All of it runs
 * on the shard's primary as its owner (the fleet file's adminUrl).
 */

/** The trigger on every tenant table, shared and per-schema alike. */
export const FENCE_TRIGGER_NAME = 'shardscope_fence';

/**
 * Transaction-local setting a move's cleanup sets to the tenant id to delete
 * the tenant's leftover rows while its 'moved' row stands; honoured only for
 * a session of the fence table's owner (an app setting it is still refused).
 */
export const FENCE_BYPASS_SETTING = 'shardscope.fence_bypass';

/**
 * Attaches the fence trigger to one tenant table. `qualifiedTable` must
 * already be quoted (lib/tenants/tenant-schema.ts qualifiedTenantTable).
 */
export function attachFenceTriggerSql(qualifiedTable: string): string {
  return `create or replace trigger ${FENCE_TRIGGER_NAME}
  before insert or update or delete on ${qualifiedTable}
  for each row execute function public.shardscope_refuse_fenced_write()`;
}

/** Creates a 'fenced' row unless the tenant has one already (the caller then reads and decides). */
export const INSERT_FENCE_IF_ABSENT_SQL = `
  insert into public.shardscope_tenant_fences (tenant_id, state, target_shard_id)
  values ($1, 'fenced', $2)
  on conflict (tenant_id) do nothing`;

export const LOCK_FENCE_SQL = `
  select tenant_id::text, state, target_shard_id, fenced_at
  from public.shardscope_tenant_fences
  where tenant_id = $1
  for update`;

export const SELECT_FENCE_SQL = `
  select tenant_id::text, state, target_shard_id, fenced_at
  from public.shardscope_tenant_fences
  where tenant_id = $1`;

/** A fence for another target restarts: the clock starts again and the message names the new target. */
export const RETARGET_FENCE_SQL = `
  update public.shardscope_tenant_fences
  set target_shard_id = $2,
      fenced_at = now()
  where tenant_id = $1
  returning tenant_id::text, state, target_shard_id, fenced_at`;

/** 'moved' keeps the fence's time when it was fenced for the same target. */
export const MARK_MOVED_SQL = `
  insert into public.shardscope_tenant_fences as fence (tenant_id, state, target_shard_id)
  values ($1, 'moved', $2)
  on conflict (tenant_id) do update
    set state = 'moved',
        target_shard_id = excluded.target_shard_id,
        fenced_at = case when fence.target_shard_id = excluded.target_shard_id then fence.fenced_at else now() end
  returning tenant_id::text, state, target_shard_id, fenced_at`;

export const DELETE_FENCE_SQL = `
  delete from public.shardscope_tenant_fences
  where tenant_id = $1
  returning tenant_id::text, state, target_shard_id, fenced_at`;

/** A fence that failed to settle is lifted; a 'moved' row is never touched by that. */
export const DELETE_FENCED_ONLY_SQL = `
  delete from public.shardscope_tenant_fences
  where tenant_id = $1
    and state = 'fenced'`;

/**
 * Read right after the fence committed: the server's clock (every
 * transaction that started later sees the fence in every statement) and the
 * transactions that may still write without having seen it. A client
 * backend of this database is one when it began before the fence and either
 * holds a transaction id (it has written: maybe the tenant's rows) or holds
 * a snapshot (a statement running now, or a REPEATABLE READ / SERIALIZABLE
 * transaction whose snapshot predates the fence and never sees it). A READ
 * COMMITTED session idle in its transaction without writes holds neither:
 * its next statement takes a new snapshot, sees the fence, and is not waited
 * for. Walsenders (a replica's feedback xmin) and autovacuum write no tenant rows.
 */
export const FENCE_SUSPECTS_SQL = `
  select clock_timestamp()::text as fence_settled_after,
         coalesce(array_agg(a.pid) filter (where a.pid is not null), '{}') as pids
  from pg_stat_activity a
  where a.datname = current_database()
    and a.backend_type = 'client backend'
    and a.pid <> pg_backend_pid()
    and a.xact_start is not null
    and (a.backend_xid is not null or a.backend_xmin is not null)`;

/**
 * Which of the suspects are still in the transaction they were in: a backend
 * runs one transaction at a time, so one that began before the fence is that
 * same transaction.
 */
export const SUSPECTS_STILL_OPEN_SQL = `
  select a.pid, a.state, a.application_name, a.backend_xid::text as xid
  from pg_stat_activity a
  where a.pid = any($1::int[])
    and a.xact_start < $2::timestamptz`;

/**
 * Two-phase transactions prepared before the last suspect finished: a
 * suspect may have prepared instead of committing, and its COMMIT PREPARED
 * would land after the fence.
 */
export const PREPARED_BEFORE_SQL = `
  select gid
  from pg_prepared_xacts
  where database = current_database()
    and prepared < $1::timestamptz`;

export const CLOCK_SQL = `select clock_timestamp()::text as now`;

/**
 * A write that is flushed on commit: every WAL record inserted before it
 * (the stragglers' commit records included, asynchronous commits too) is
 * flushed with it. A transaction that only took an xid writes no WAL and
 * would commit asynchronously.
 */
export const FLUSH_MARK_SQL = `
  update public.shardscope_tenant_fences
  set fenced_at = fenced_at
  where tenant_id = $1`;

/** The write (and, after FLUSH_MARK_SQL's synchronous commit, flushed) position: a walsender can send up to it. */
export const CURRENT_WAL_LSN_SQL = `select pg_current_wal_lsn()::text as lsn`;
