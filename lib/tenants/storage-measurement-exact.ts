import pg from 'pg';
import { TENANT_TABLES, type TenantTable } from './tenant-schema';

/**
 * The yardstick of the apportioned estimate: the size a shared tenant's rows
 * take on their own, i.e. copied into fresh tables shaped like the shared
 * ones (same columns, storage settings and indexes) and measured with
 * pg_total_relation_size; what the tenant would take freshly moved to an
 * empty shard. The tables are temporary and the transaction is rolled back,
 * so nothing stays behind. Costs a copy of the tenant's rows: a check for
 * tests and benchmarks (and an operator in doubt), never a scheduled job.
 *
 * Needs a connection that may create temporary tables and read the tenant's
 * rows (the shard's admin URL).
 */

function exactTableName(table: TenantTable): string {
  return pg.escapeIdentifier(`shardscope_exact_${table}`);
}

/** A fresh table like the shared one: columns, defaults, identity, storage and compression, indexes. */
function createExactTableSql(table: TenantTable): string {
  return `create temporary table ${exactTableName(table)} (like public.${pg.escapeIdentifier(table)} including all) on commit drop`;
}

/** The tenant's rows, copied in key order as a move's initial copy would write them. */
function copyTenantRowsSql(table: TenantTable): string {
  return `insert into pg_temp.${exactTableName(table)}
  select * from public.${pg.escapeIdentifier(table)}
  where tenant_id = $1
  order by tenant_id, id`;
}

/** The copy's whole size on disk: heap, TOAST, free-space/visibility maps and indexes. */
function exactTableSizeSql(table: TenantTable): string {
  return `select pg_total_relation_size(to_regclass('pg_temp.${`shardscope_exact_${table}`}'))::bigint as total_bytes`;
}

export type ExactTenantBytes = Record<TenantTable, number> & { total: number };

/** The exact standalone size of one shared tenant's rows, per table and in total. */
export async function exactSharedTenantBytes(client: Pick<pg.ClientBase, 'query'>, tenantId: string): Promise<ExactTenantBytes> {
  const bytes = { app_users: 0, orders: 0, events: 0, total: 0 };
  await client.query('begin');
  try {
    for (const table of TENANT_TABLES) {
      await client.query(createExactTableSql(table));
      await client.query(copyTenantRowsSql(table), [tenantId]);
      const { rows } = await client.query<{ total_bytes: string }>(exactTableSizeSql(table));
      bytes[table] = Number(rows[0].total_bytes);
      bytes.total += bytes[table];
    }
  } finally {
    await client.query('rollback');
  }
  return bytes;
}
