import pg from 'pg';
import { assertSchemaName, qualifiedTenantTable, type TenantTable } from '@/lib/tenants/tenant-schema';
import { assertTenantId } from './move-replication';

/**
 * The SQL of the copy strategy (lib/rebalance/move-copy.ts): one tenant
 * table's rows streamed from the source's COPY TO into the target's COPY FROM.
 * Tables come from the allowlist (TENANT_TABLES), columns from the source's
 * catalog, quoted with pg.escapeIdentifier. COPY takes no parameters: the
 * tenant id is validated (assertTenantId) and quoted with pg.escapeLiteral.
 */

/** The storage the tenant's last measurement found: the move's bytes total (as for the logical strategy). */
export const MEASURED_BYTES_SQL = `select storage_bytes from tenant_usage_latest where tenant_id = $1`;

/**
 * The columns COPY writes, in table order: every column but dropped and
 * generated ones (a generated column takes no input; the target computes it).
 */
export const COPY_COLUMNS_SQL = `
  select a.attname as column_name
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1
    and c.relname = $2
    and c.relkind in ('r', 'p')
    and a.attnum > 0
    and not a.attisdropped
    and a.attgenerated = ''
  order by a.attnum`;

export interface CopyStatements {
  /** On the source: the tenant's rows in primary-key order (the target's index grows at its right edge). */
  copyOut: string;
  /** On the target: what a copy killed after its commit but before its checkpoint left there; $1 tenant. */
  removeLeftovers: string;
  /** On the target: the rows as the source sends them. */
  copyIn: string;
}

/** The catalog schema of a tenant's tables: public for a shared tenant, its own schema otherwise. */
export const catalogSchema = (schemaName: string | null) => (schemaName === null ? 'public' : assertSchemaName(schemaName));

export function copyStatements(table: TenantTable, schemaName: string | null, tenantId: string, columns: string[], keyColumns: string[]): CopyStatements {
  if (columns.length === 0) throw new Error(`${table} has no columns to copy`);
  if (keyColumns.length === 0) throw new Error(`${table} has no primary key to order the copy by`);
  const relation = qualifiedTenantTable(table, schemaName);
  const tenantLiteral = pg.escapeLiteral(assertTenantId(tenantId));
  const columnList = columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  const keyList = keyColumns.map((column) => pg.escapeIdentifier(column)).join(', ');
  return {
    copyOut: `copy (
    select ${columnList}
    from ${relation}
    where tenant_id = ${tenantLiteral}::uuid
    order by ${keyList}
  ) to stdout`,
    removeLeftovers: `
  delete from ${relation}
  where tenant_id = $1`,
    copyIn: `copy ${relation} (${columnList}) from stdin`,
  };
}
