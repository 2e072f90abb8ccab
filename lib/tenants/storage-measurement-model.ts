import type { TenantTable } from './tenant-schema';

/**
 * The arithmetic of the tenant storage measurement: from what one pass over a
 * shard's tables read, each tenant's bytes and users. No I/O; unit-tested.
 *
 * Shared layout ('apportioned'): a shared table's disk size is split between
 * its tenants in proportion to what each one puts in it:
 *   - heap and TOAST (with the free-space and visibility maps) by the bytes
 *     of the tenant's rows (pg_column_size of the whole row, TOASTed values at
 *     their stored size): big rows take more pages;
 *   - indexes by the tenant's row count: every index entry holds the same
 *     fixed-width key (tenant_id, id) whatever the row's payload, so a tenant
 *     of few large events does not pay for the index entries of many small ones.
 * The shares of all tenants (rows of tenants the directory no longer routes
 * here included) add up to the table's pg_total_relation_size, bloat and all:
 * the estimate says what the tenant costs on this shard, which is somewhat
 * more than the same rows would take freshly copied (bench:tenant-storage
 * measures by how much).
 *
 * Schema layout ('schema'): the schema's own relations, measured exactly.
 */

export type StorageMethod = 'apportioned' | 'schema';

/** What one tenant's rows take in one table. */
export interface TenantRowUsage {
  rowBytes: number;
  rows: number;
}

/** One shared table as the pass read it: every tenant's rows in it, and its size on disk. */
export interface SharedTableScan {
  table: TenantTable;
  byTenant: ReadonlyMap<string, TenantRowUsage>;
  /** Heap, TOAST, free-space and visibility maps: pg_total_relation_size less the indexes. */
  heapBytes: number;
  indexBytes: number;
}

export interface TenantStorage {
  tenantId: string;
  storageBytes: number;
  users: number;
  method: StorageMethod;
}

const NO_ROWS: TenantRowUsage = { rowBytes: 0, rows: 0 };

function totals(scan: SharedTableScan): TenantRowUsage {
  let rowBytes = 0;
  let rows = 0;
  for (const usage of scan.byTenant.values()) {
    rowBytes += usage.rowBytes;
    rows += usage.rows;
  }
  return { rowBytes, rows };
}

/** A tenant's share of one table's bytes on disk (0 when it has no rows there). */
export function apportionedTableBytes(tenant: TenantRowUsage, all: TenantRowUsage, heapBytes: number, indexBytes: number): number {
  const heapShare = all.rowBytes > 0 ? (tenant.rowBytes / all.rowBytes) * heapBytes : 0;
  const indexShare = all.rows > 0 ? (tenant.rows / all.rows) * indexBytes : 0;
  return heapShare + indexShare;
}

/**
 * Storage and users of each shared-layout tenant from the scans of the shared
 * tables. Every tenant asked for gets a row: 0 bytes and 0 users when it has no rows.
 */
export function apportionSharedStorage(tenantIds: readonly string[], scans: readonly SharedTableScan[]): TenantStorage[] {
  const scanTotals = scans.map(totals);
  const users = scans.find((scan) => scan.table === 'app_users');
  return tenantIds.map((tenantId) => {
    let storageBytes = 0;
    scans.forEach((scan, index) => {
      storageBytes += apportionedTableBytes(scan.byTenant.get(tenantId) ?? NO_ROWS, scanTotals[index], scan.heapBytes, scan.indexBytes);
    });
    return {
      tenantId,
      storageBytes: Math.round(storageBytes),
      users: users?.byTenant.get(tenantId)?.rows ?? 0,
      method: 'apportioned' as const,
    };
  });
}

/** One tenant schema as measured on the shard; absent when the schema does not exist there. */
export interface TenantSchemaSize {
  totalBytes: number;
  /** count(*) of its app_users; null when the schema has no app_users table. */
  users: number | null;
}

/**
 * Storage and users of each schema-layout tenant. A schema missing on the
 * shard holds nothing of the tenant here: 0 bytes, 0 users.
 */
export function schemaStorage(tenants: readonly { tenantId: string; schemaName: string }[], sizes: ReadonlyMap<string, TenantSchemaSize>): TenantStorage[] {
  return tenants.map(({ tenantId, schemaName }) => {
    const size = sizes.get(schemaName);
    return { tenantId, storageBytes: size?.totalBytes ?? 0, users: size?.users ?? 0, method: 'schema' as const };
  });
}
