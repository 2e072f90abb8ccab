import type pg from 'pg';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { TENANT_TABLES, assertSchemaName, tenantTableNames, type TenantTable } from '@/lib/tenants/tenant-schema';
import { assertTenantId, withShardOwner } from './move-replication';

/**
 * The prepare phase's checks on the tenant's tables (and again before the
 * fence: a schema change during a move breaks replication): both shards hold
 * them with the same columns and primary keys, and the target holds none of
 * the tenant's rows yet.
 */

/**
 * Every column of the tenant tables in one schema: name, declared type and
 * NOT NULL; with the table's replica identity (d default = primary key,
 * f full, i index, n nothing). Dropped columns are left out.
 */
export const TENANT_TABLE_COLUMNS_SQL = `
  select c.relname as table_name,
         c.relreplident as replica_identity,
         a.attname as column_name,
         format_type(a.atttypid, a.atttypmod) as column_type,
         a.attnotnull as not_null
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where n.nspname = $1
    and c.relname = any($2::text[])
    and c.relkind in ('r', 'p')
  order by c.relname, a.attnum`;

/** Each tenant table's primary key columns, in key order. */
export const TENANT_TABLE_KEYS_SQL = `
  select c.relname as table_name,
         array_agg(a.attname::text order by k.ordinality) as key_columns
  from pg_index i
  join pg_class c on c.oid = i.indrelid
  join pg_namespace n on n.oid = c.relnamespace
  cross join lateral unnest(i.indkey) with ordinality as k (attnum, ordinality)
  join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
  where i.indisprimary
    and n.nspname = $1
    and c.relname = any($2::text[])
  group by c.relname`;

/** Whether the tenant's schema exists (a schema-layout tenant's target before prepare creates it). */
export const SCHEMA_EXISTS_SQL = `select 1 from pg_namespace where nspname = $1`;

/** Whether a table (name as a statement writes it) exists. */
export const TABLE_EXISTS_SQL = `select to_regclass($1) is not null as exists`;

/** The tenant's rows in one tenant table (tenant_id leads the primary key: an index range). */
export const tenantRowCountSql = (qualifiedTable: string) => `
  select count(*)::int8::text as rows
  from ${qualifiedTable}
  where tenant_id = $1`;

interface ColumnShape {
  type: string;
  notNull: boolean;
}

interface TableShape {
  columns: Map<string, ColumnShape>;
  primaryKey: string[];
  replicaIdentity: string;
}

type TenantCatalog = Map<string, TableShape>;

async function readTenantCatalog(client: pg.Client, schema: string): Promise<TenantCatalog> {
  const catalog: TenantCatalog = new Map();
  const columns = await client.query<{ table_name: string; replica_identity: string; column_name: string; column_type: string; not_null: boolean }>(
    TENANT_TABLE_COLUMNS_SQL,
    [schema, TENANT_TABLES],
  );
  for (const row of columns.rows) {
    let table = catalog.get(row.table_name);
    if (!table) {
      table = { columns: new Map(), primaryKey: [], replicaIdentity: row.replica_identity };
      catalog.set(row.table_name, table);
    }
    table.columns.set(row.column_name, { type: row.column_type, notNull: row.not_null });
  }
  const keys = await client.query<{ table_name: string; key_columns: string[] }>(TENANT_TABLE_KEYS_SQL, [schema, TENANT_TABLES]);
  for (const row of keys.rows) {
    const table = catalog.get(row.table_name);
    if (table) table.primaryKey = row.key_columns;
  }
  return catalog;
}

const keyText = (columns: string[]) => (columns.length ? `(${columns.join(', ')})` : 'none');

/**
 * The differences between the tenant's tables on two shards, in plain words
 * ("orders on shard-2 lacks column discount_cents"). Columns are compared by
 * name (logical replication matches them by name, not position). On the
 * source, a shared table's replica identity must cover tenant_id, or its
 * updates and deletes fail under the publication's row filter.
 */
export function describeCatalogDifferences(
  sourceId: string,
  source: TenantCatalog,
  targetId: string,
  target: TenantCatalog,
  sharedLayout: boolean,
): string[] {
  const differences: string[] = [];
  for (const tableName of TENANT_TABLES) {
    const sourceTable = source.get(tableName);
    const targetTable = target.get(tableName);
    if (!sourceTable || !targetTable) {
      for (const [shardId, table] of [[sourceId, sourceTable], [targetId, targetTable]] as const) {
        if (!table) differences.push(`${tableName} is missing on ${shardId}`);
      }
      continue;
    }
    for (const [name, column] of sourceTable.columns) {
      const other = targetTable.columns.get(name);
      if (!other) differences.push(`${tableName} on ${targetId} lacks column ${name}`);
      else {
        if (other.type !== column.type) differences.push(`${tableName}.${name} is ${column.type} on ${sourceId} but ${other.type} on ${targetId}`);
        if (other.notNull !== column.notNull) {
          const nullability = (notNull: boolean) => (notNull ? 'not null' : 'nullable');
          differences.push(`${tableName}.${name} is ${nullability(column.notNull)} on ${sourceId} but ${nullability(other.notNull)} on ${targetId}`);
        }
      }
    }
    for (const name of targetTable.columns.keys()) {
      if (!sourceTable.columns.has(name)) differences.push(`${tableName} on ${sourceId} lacks column ${name}`);
    }
    if (keyText(sourceTable.primaryKey) !== keyText(targetTable.primaryKey)) {
      differences.push(`${tableName}'s primary key is ${keyText(sourceTable.primaryKey)} on ${sourceId} but ${keyText(targetTable.primaryKey)} on ${targetId}`);
    }
    const identityCoversTenant =
      sourceTable.replicaIdentity === 'f' || (sourceTable.replicaIdentity === 'd' && sourceTable.primaryKey.includes('tenant_id'));
    if (sharedLayout && !identityCoversTenant) {
      differences.push(`${tableName} on ${sourceId} has a replica identity without tenant_id: its updates and deletes would fail while the tenant's rows are published`);
    }
  }
  return differences;
}

/** Compares the tenant's tables (public for a shared tenant, its schema otherwise) on the source and target primaries. */
export async function compareTenantCatalogs(
  source: ShardConfig,
  target: ShardConfig,
  schemaName: string | null,
): Promise<{ equal: boolean; differences: string[] }> {
  const schema = schemaName === null ? 'public' : assertSchemaName(schemaName);
  const [sourceCatalog, targetCatalog] = await Promise.all([
    withShardOwner(source, (client) => readTenantCatalog(client, schema)),
    withShardOwner(target, (client) => readTenantCatalog(client, schema)),
  ]);
  const differences = describeCatalogDifferences(source.id, sourceCatalog, target.id, targetCatalog, schemaName === null);
  return { equal: differences.length === 0, differences };
}

/**
 * The tenant's rows already on the target, per table (prepare refuses when
 * any is above 0: the copy would collide with them). A schema-layout tenant
 * whose schema is not there yet has none.
 */
export async function targetHasTenantRows(target: ShardConfig, tenantId: string, schemaName: string | null): Promise<Record<TenantTable, number>> {
  assertTenantId(tenantId);
  return withShardOwner(target, async (client) => {
    const counts = Object.fromEntries(TENANT_TABLES.map((table) => [table, 0])) as Record<TenantTable, number>;
    if (schemaName !== null && !(await client.query(SCHEMA_EXISTS_SQL, [assertSchemaName(schemaName)])).rowCount) return counts;
    const names = tenantTableNames(schemaName);
    for (const table of TENANT_TABLES) {
      // A missing table is the catalog comparison's to report; here it holds no rows.
      const { rows } = await client.query<{ exists: boolean }>(TABLE_EXISTS_SQL, [names[table]]);
      if (!rows[0].exists) continue;
      const count = await client.query<{ rows: string }>(tenantRowCountSql(names[table]), [tenantId]);
      counts[table] = Number(count.rows[0].rows);
    }
    return counts;
  });
}
