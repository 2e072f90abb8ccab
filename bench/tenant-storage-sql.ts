/**
 * The SQL the tenant storage benchmark (bench/tenant-storage.ts) checks the
 * measurement with: the rows on each shard, what the job stored, and the
 * exact users per tenant.
 */

/**
 * Rows in each shared tenant table of a shard (what one measurement reads
 * row by row), the shared tables' size, and the rows in tenant schemas (from
 * the statistics: the measurement reads only their sizes and app_users).
 */
export const SHARD_ROW_COUNTS_SQL = `
  select
    (select count(*) from public.app_users)::int as app_users,
    (select count(*) from public.orders)::int as orders,
    (select count(*) from public.events)::int as events,
    (select pg_total_relation_size('public.app_users') + pg_total_relation_size('public.orders')
          + pg_total_relation_size('public.events'))::bigint as total_bytes,
    (select coalesce(sum(n_live_tup), 0) from pg_stat_user_tables where schemaname like 'tenant\\_%')::int as schema_rows`;

/** A tenant schema's tables' total size, computed apart from the measurement's own query. */
export const SCHEMA_TOTAL_BYTES_SQL = `
  select coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)::bigint as total_bytes
  from pg_tables
  where schemaname = $1`;

/** The measurement the last job stored per tenant of a shard, with the tenant's layout. */
export const LATEST_MEASUREMENTS_SQL = `
  select t.id::text as tenant_id, t.name, t.layout, t.schema_name, u.storage_bytes, u.users, u.method, u.at
  from tenants t
  left join tenant_usage_latest u on u.tenant_id = t.id
  where t.shard_id = $1`;

/** Exact users per shared tenant: the job's users must equal these. */
export const USERS_BY_TENANT_SQL = `
  select tenant_id::text as tenant_id, count(*)::int as users
  from public.app_users
  group by tenant_id`;

/** Sample rows per slot of a shard: one per tenant per run, never two. */
export const SAMPLES_PER_SLOT_SQL = `
  select at, count(*)::int as samples, count(distinct tenant_id)::int as tenants
  from tenant_usage_samples
  where shard_id = $1
  group by at
  order by at`;

/** Forgets the primary's statement statistics, so the measurement's own cost is read alone. */
export const RESET_STATEMENTS_SQL = `select pg_stat_statements_reset()`;

/** The measurement's statements on a primary (they carry its marker): executions and server time. */
export const MEASUREMENT_STATEMENTS_SQL = `
  select coalesce(sum(calls), 0)::int as calls,
         coalesce(sum(total_exec_time), 0)::float8 as exec_ms
  from pg_stat_statements
  where query like '%' || $1 || '%'
    and query not like '%pg_stat_statements%'`;
