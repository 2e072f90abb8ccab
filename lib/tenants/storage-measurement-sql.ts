import pg from 'pg';
import { assertSchemaName, TENANT_TABLES, type TenantTable } from './tenant-schema';

/**
 * SQL of the tenant storage measurement (storage-measurement.ts): what it reads
 * from the control plane, what it reads on a shard primary, and how it stores
 * the result. Identifiers come from TENANT_TABLES or pass assertSchemaName and
 * are quoted with pg.escapeIdentifier; every value is a parameter.
 */

/** Marks the measurement's statements on a shard, so pg_stat_statements and pg_stat_activity tell them apart. */
export const STORAGE_MEASUREMENT_MARKER = 'shardscope:tenant-storage';

// Control plane ---------------------------------------------------------------

/** The tenants the control plane routes to one shard: each gets a measurement row, measured or 0. */
export const SHARD_TENANTS_SQL = `
  select id::text as id, layout, schema_name
  from tenants
  where shard_id = $1`;

/**
 * Stores one shard's measurement for one slot, in one statement (so one
 * transaction): a sample row per tenant, and tenant_usage_latest from the
 * rows actually inserted. A retried job for a slot already stored inserts no
 * sample and so changes no latest row: the stored measurement stays the one
 * of that slot. A tenant that left the shard (or the directory) since the
 * read is skipped, and an older slot never replaces a newer latest row.
 *
 * $1 slot (at)  $2 shard id  $3 measured_at
 * $4 tenant ids  $5 storage bytes  $6 users  $7 methods  (arrays, same order)
 */
export const STORE_MEASUREMENTS_SQL = `
  with measured as (
    select m.tenant_id, m.storage_bytes, m.users, m.method
    from unnest($4::uuid[], $5::bigint[], $6::int[], $7::text[]) as m (tenant_id, storage_bytes, users, method)
    join tenants t
      on t.id = m.tenant_id
     and t.shard_id = $2
  ), inserted as (
    insert into tenant_usage_samples (at, measured_at, tenant_id, shard_id, storage_bytes, users, method)
    select $1::timestamptz, $3::timestamptz, tenant_id, $2, storage_bytes, users, method
    from measured
    on conflict (tenant_id, at) do nothing
    returning tenant_id, shard_id, at, measured_at, storage_bytes, users, method
  ), latest as (
    insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method)
    select tenant_id, shard_id, at, measured_at, storage_bytes, users, method
    from inserted
    on conflict (tenant_id) do update set
      shard_id      = excluded.shard_id,
      at            = excluded.at,
      measured_at   = excluded.measured_at,
      storage_bytes = excluded.storage_bytes,
      users         = excluded.users,
      method        = excluded.method
    where excluded.at >= tenant_usage_latest.at
    returning 1
  )
  select (select count(*) from inserted)::int as samples_inserted,
         (select count(*) from latest)::int as latest_updated`;

// Shard primary ---------------------------------------------------------------

/**
 * One pass over a shared tenant table: per tenant, the bytes its rows take as
 * row values (pg_column_size of the whole row: tuple header, columns, and
 * TOASTed values at their stored, compressed size) and its row count. Reads
 * every row (a sequential scan, a few hundred ms per million rows); the
 * measurement runs it once per table per interval.
 */
function tenantRowBytesSql(table: TenantTable): string {
  return `/* ${STORAGE_MEASUREMENT_MARKER} */
  select tenant_id::text as tenant_id,
         sum(pg_column_size(t.*))::bigint as row_bytes,
         count(*)::bigint as row_count
  from public.${pg.escapeIdentifier(table)} as t
  group by tenant_id`;
}

export const TENANT_ROW_BYTES_SQL = Object.fromEntries(TENANT_TABLES.map((table) => [table, tenantRowBytesSql(table)])) as Record<
  TenantTable,
  string
>;

/**
 * Size on disk of each shared tenant table: heap, TOAST and free-space/
 * visibility maps (`heap_bytes`, everything but indexes) and its indexes
 * (`index_bytes`). Together pg_total_relation_size: what the table's tenants
 * share between them.
 */
export const SHARED_TABLE_SIZES_SQL = `/* ${STORAGE_MEASUREMENT_MARKER} */
  select c.relname as table_name,
         (pg_total_relation_size(c.oid) - pg_indexes_size(c.oid))::bigint as heap_bytes,
         pg_indexes_size(c.oid)::bigint as index_bytes
  from pg_class c
  where c.relnamespace = 'public'::regnamespace
    and c.relname = any($1::text[])
    and c.relkind in ('r', 'p')`;

/**
 * Per tenant schema (of those asked for that exist): the total size of its
 * tables (pg_total_relation_size: heap, TOAST, indexes; partitions and
 * materialized views too), and whether it has the app_users table the users
 * count reads. Sequences are left out: 8 kB of counters each, not tenant
 * data, and a shared tenant is not charged for them either.
 */
export const TENANT_SCHEMA_SIZES_SQL = `/* ${STORAGE_MEASUREMENT_MARKER} */
  select n.nspname as schema_name,
         coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relkind in ('r', 'p', 'm')), 0)::bigint as total_bytes,
         coalesce(bool_or(c.relname = 'app_users' and c.relkind in ('r', 'p')), false) as has_app_users
  from pg_namespace n
  left join pg_class c on c.relnamespace = n.oid
  where n.nspname = any($1::text[])
  group by n.nspname`;

/** Schema tenants' users counted per statement: one round trip for a shard's handful, bounded for a shard of thousands. */
export const SCHEMA_USERS_PER_STATEMENT = 100;

/** Exact users of each schema tenant: count(*) of its app_users, one UNION ALL branch per schema ($n is the schema name). */
export function schemaUsersSql(schemaNames: readonly string[]): string {
  const branches = schemaNames.map(
    (schemaName, index) =>
      `select $${index + 1}::text as schema_name, count(*)::bigint as users from ${pg.escapeIdentifier(assertSchemaName(schemaName))}.app_users`,
  );
  return `/* ${STORAGE_MEASUREMENT_MARKER} */\n  ${branches.join('\n  union all\n  ')}`;
}
