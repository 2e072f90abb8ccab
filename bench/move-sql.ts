import pg from 'pg';
import { assertTenantId } from '@/lib/rebalance/move-replication';
import type { TenantTable } from '@/lib/tenants/tenant-schema';

/**
 * The SQL of the tenant move benchmark (bench/move.ts): seeding its tenants,
 * sizing them, the raw COPY pipe it compares the move's copy with, and what
 * it reads back from tenant_moves and the shards. Table names come only from
 * TENANT_TABLES (lib/tenants/tenant-schema.ts).
 */

/** A bench tenant in the directory, on the shard it is seeded on. */
export const INSERT_TENANT_SQL = `
  insert into tenants (id, name, tier, shard_id)
  values ($1, $2, 'starter', $3)`;

/** Where the directory routes the tenant: what an app reads before it writes. */
export const TENANT_ROUTE_SQL = `
  select shard_id
  from tenants
  where id = $1`;

export const DELETE_TENANT_MOVES_SQL = `delete from tenant_moves where tenant_id = $1`;
export const DELETE_TENANT_SQL = `delete from tenants where id = $1`;

/** $2 users of the tenant, ids from the identity; emails about 30 bytes. */
export const SEED_APP_USERS_SQL = `
  insert into app_users (tenant_id, email)
  select $1, 'user' || g || '@bench-move.example'
  from generate_series(1, $2::int) g`;

/** $2 orders of the tenant over its first 1,000 users: a row of about 90 bytes. */
export const SEED_ORDERS_SQL = `
  insert into orders (tenant_id, user_id, amount_cents, status)
  select $1, 1 + g % 1000, 100 + g % 99900, (array['open', 'paid', 'shipped'])[1 + g % 3]
  from generate_series(1, $2::int) g`;

/**
 * Events $2 to $3 of the tenant, the wide rows: a jsonb payload of $4 md5
 * strings (32 bytes each). Under the TOAST threshold (about 2 kB a row) the
 * payload stays inline and uncompressed, so the bytes copied are the bytes seeded.
 */
export const SEED_EVENTS_SQL = `
  insert into events (tenant_id, kind, payload)
  select $1,
         (array['view', 'click', 'purchase'])[1 + g % 3],
         jsonb_build_object('seq', g, 'body', repeat(md5(g::text), $4::int))
  from generate_series($2::int, $3::int) g`;

/** The tenant's rows in one table and their size as stored (pg_column_size of each row, headers and TOAST pointers as they are). */
export const tenantTableSizeSql = (table: TenantTable) => `
  select count(*)::bigint as rows,
         coalesce(sum(pg_column_size(t.*)), 0)::bigint as bytes
  from public.${pg.escapeIdentifier(table)} t
  where t.tenant_id = $1`;

/**
 * The raw pipe's two ends. COPY takes no bind parameters, so the tenant id
 * (checked to be a lowercase canonical uuid) is quoted as a literal, as the
 * move's own publication row filter does.
 */
export const copyOutSql = (table: TenantTable, tenantId: string) =>
  `copy (select * from public.${pg.escapeIdentifier(table)} where tenant_id = ${pg.escapeLiteral(assertTenantId(tenantId))}::uuid) to stdout`;
export const copyInSql = (table: TenantTable) => `copy public.${pg.escapeIdentifier(table)} from stdin`;

/**
 * A session that writes as logical replication's apply and table-sync
 * workers do: ordinary triggers (the move fence's included) do not fire.
 * The raw pipe and its removal thus pay what a move's copy pays, and are not
 * refused by a 'moved' fence an earlier move left on that shard.
 */
export const REPLICA_ROLE_SQL = `set session_replication_role = replica`;

export const deleteTenantRowsSql = (table: TenantTable) => `delete from public.${pg.escapeIdentifier(table)} where tenant_id = $1`;

/** After a 200 MB delete: the next copy into the table should not find a table of dead rows. */
export const vacuumTableSql = (table: TenantTable) => `vacuum public.${pg.escapeIdentifier(table)}`;

export const tenantRowCountSql = (table: TenantTable) => `
  select count(*)::int as rows
  from public.${pg.escapeIdentifier(table)}
  where tenant_id = $1`;

/** The writer's orders (amount_cents carries its sequence number, all of them from $2 up). */
export const WRITER_ORDERS_SQL = `
  select amount_cents::bigint as value
  from orders
  where tenant_id = $1
    and amount_cents >= $2`;

/** What each move recorded: the write-block window and its ends, drain retries, the tenant's rows it verified, the outcome. */
export const MOVES_SQL = `
  select id::text,
         status,
         write_block_ms,
         fenced_at,
         switched_at,
         coalesce((checkpoint ->> 'drainRetries')::int, 0) as drain_retries,
         (select coalesce(sum((v ->> 'sourceRows')::bigint), 0) from jsonb_array_elements(coalesce(verification, '[]'::jsonb)) v)::int as rows_verified,
         error
  from tenant_moves
  where id = any($1::uuid[])`;

/** The shard's Postgres and the settings that bound a move's copy. */
export const SHARD_SETTINGS_SQL = `
  select current_setting('server_version') as version,
         current_setting('shared_buffers') as shared_buffers,
         current_setting('max_sync_workers_per_subscription') as sync_workers,
         current_setting('fsync') as fsync`;

/** Forgets the primary's statement statistics, so what follows is read alone. */
export const RESET_STATEMENTS_SQL = `select pg_stat_statements_reset()`;

/** The statements that took the primary's time since the reset, the costliest first: where a move's phases spend it. */
export const TOP_STATEMENTS_SQL = `
  select calls::int,
         total_exec_time::float8 as total_ms,
         mean_exec_time::float8 as mean_ms,
         left(regexp_replace(query, '\\s+', ' ', 'g'), $2::int) as statement
  from pg_stat_statements
  where query not like '%pg_stat_statements%'
  order by total_exec_time desc
  limit $1::int`;
