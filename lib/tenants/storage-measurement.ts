import pg from 'pg';
import { getControlPool, withControlClient } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME } from '@/lib/fleet/node-pools';
import { ensurePartitionFor } from '@/lib/history/partitions';
import {
  apportionSharedStorage,
  schemaStorage,
  type SharedTableScan,
  type TenantRowUsage,
  type TenantSchemaSize,
  type TenantStorage,
} from './storage-measurement-model';
import {
  SCHEMA_USERS_PER_STATEMENT,
  schemaUsersSql,
  SHARD_TENANTS_SQL,
  SHARED_TABLE_SIZES_SQL,
  STORE_MEASUREMENTS_SQL,
  TENANT_ROW_BYTES_SQL,
  TENANT_SCHEMA_SIZES_SQL,
} from './storage-measurement-sql';
import { assertSchemaName, TENANT_TABLES, type TenantTable } from './tenant-schema';

/**
 * One storage measurement job: every tenant the control plane routes to one
 * shard gets its bytes and users for one slot. Shared tenants from one pass
 * per shared table (storage-measurement-model.ts says how the bytes are
 * split), schema tenants from their schemas' relation sizes; then one
 * control-DB statement stores it all (samples and latest).
 *
 * Reads the tenants' rows, which the monitoring role (pg_monitor) may not:
 * it connects with the shard's admin (owner) URL, in a read-only session.
 * All or nothing: a shard that is down or a scan that times out fails the job
 * (pg-boss retries it) before anything is written, so the previous
 * measurement stays; a tenant is never stored as 0 bytes for want of an answer.
 */

/** A pass over a shard's tenant tables is a background scan: minutes of budget per statement, not a page's seconds. */
export const STORAGE_SCAN_TIMEOUT_MS = 120_000;
/** Never queue behind DDL (a move's ALTER, a migration): give up and retry rather than block the statements behind it. */
const STORAGE_LOCK_TIMEOUT_MS = 5_000;

export interface StorageMeasurementReport {
  shardId: string;
  at: string;
  tenantsMeasured: number;
  sharedTenants: number;
  schemaTenants: number;
  /** Schema tenants whose schema the shard does not have: stored as 0 bytes, 0 users. */
  schemasMissing: string[];
  /** Rows read per shared table (every tenant's, the directory's or not). */
  rowsScanned: Record<TenantTable, number>;
  /** Time of each table's pass, and of the schema sizes and users. */
  scanMs: Record<TenantTable | 'schemas', number>;
  samplesInserted: number;
  latestUpdated: number;
  durationMs: number;
}

interface ShardTenant {
  id: string;
  layout: 'shared' | 'schema';
  schema_name: string | null;
}

interface ShardReading {
  measuredAt: Date;
  storage: TenantStorage[];
  schemasMissing: string[];
  rowsScanned: Record<TenantTable, number>;
  scanMs: Record<TenantTable | 'schemas', number>;
}

async function withShardPrimary<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: shard.adminUrl,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    statement_timeout: STORAGE_SCAN_TIMEOUT_MS,
    // Client side too: a node that accepts TCP but never answers fails the job instead of hanging it.
    query_timeout: STORAGE_SCAN_TIMEOUT_MS + 5_000,
    application_name: CONSOLE_APPLICATION_NAME,
    // An owner connection that only reads: nothing in this job may write to a shard. No parallel
    // workers: the pass may take three times longer, but it takes one core of the primary, not three,
    // from the applications (it has the whole interval; it needs a fraction of a second per million rows).
    options: `-c default_transaction_read_only=on -c lock_timeout=${STORAGE_LOCK_TIMEOUT_MS} -c max_parallel_workers_per_gather=0`,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started) };
}

async function scanSharedTables(client: pg.Client): Promise<{ scans: SharedTableScan[]; scanMs: Partial<Record<TenantTable, number>> }> {
  const scanMs: Partial<Record<TenantTable, number>> = {};
  const byTable = new Map<TenantTable, Map<string, TenantRowUsage>>();
  for (const table of TENANT_TABLES) {
    const { result, ms } = await timed(() =>
      client.query<{ tenant_id: string; row_bytes: string; row_count: string }>(TENANT_ROW_BYTES_SQL[table]),
    );
    scanMs[table] = ms;
    byTable.set(table, new Map(result.rows.map((row) => [row.tenant_id, { rowBytes: Number(row.row_bytes), rows: Number(row.row_count) }])));
  }
  // Sizes after the passes: rows inserted meanwhile are in the size but not in the shares, which only scales them slightly.
  const sizes = await client.query<{ table_name: TenantTable; heap_bytes: string; index_bytes: string }>(SHARED_TABLE_SIZES_SQL, [TENANT_TABLES]);
  const scans = TENANT_TABLES.map((table) => {
    const size = sizes.rows.find((row) => row.table_name === table);
    if (!size) throw new Error(`shared tenant table public.${table} not found on the shard`);
    return { table, byTenant: byTable.get(table)!, heapBytes: Number(size.heap_bytes), indexBytes: Number(size.index_bytes) };
  });
  return { scans, scanMs };
}

async function measureSchemas(client: pg.Client, schemaNames: readonly string[]): Promise<Map<string, TenantSchemaSize>> {
  const sizes = await client.query<{ schema_name: string; total_bytes: string; has_app_users: boolean }>(TENANT_SCHEMA_SIZES_SQL, [schemaNames]);
  const withUsers = sizes.rows.filter((row) => row.has_app_users).map((row) => row.schema_name);
  const users = new Map<string, number>();
  for (let start = 0; start < withUsers.length; start += SCHEMA_USERS_PER_STATEMENT) {
    const chunk = withUsers.slice(start, start + SCHEMA_USERS_PER_STATEMENT);
    const { rows } = await client.query<{ schema_name: string; users: string }>(schemaUsersSql(chunk), chunk);
    for (const row of rows) users.set(row.schema_name, Number(row.users));
  }
  return new Map(sizes.rows.map((row) => [row.schema_name, { totalBytes: Number(row.total_bytes), users: users.get(row.schema_name) ?? null }]));
}

function emptyReading(): ShardReading {
  return {
    measuredAt: new Date(),
    storage: [],
    schemasMissing: [],
    rowsScanned: { app_users: 0, orders: 0, events: 0 },
    scanMs: { app_users: 0, orders: 0, events: 0, schemas: 0 },
  };
}

/** Reads the shard: everything the measurement needs, or an error (nothing partial). */
async function readShard(shard: ShardConfig, tenants: readonly ShardTenant[]): Promise<ShardReading> {
  const shared = tenants.filter((tenant) => tenant.layout === 'shared').map((tenant) => tenant.id);
  const schemaTenants = tenants
    .filter((tenant) => tenant.layout === 'schema' && tenant.schema_name !== null)
    .map((tenant) => ({ tenantId: tenant.id, schemaName: assertSchemaName(tenant.schema_name!) }));

  return withShardPrimary(shard, async (client) => {
    const { rowsScanned, scanMs } = emptyReading();
    const measuredAt = new Date();
    const storage: TenantStorage[] = [];
    if (shared.length > 0) {
      const { scans, scanMs: tableMs } = await scanSharedTables(client);
      Object.assign(scanMs, tableMs);
      for (const scan of scans) rowsScanned[scan.table] = [...scan.byTenant.values()].reduce((sum, usage) => sum + usage.rows, 0);
      storage.push(...apportionSharedStorage(shared, scans));
    }
    let schemasMissing: string[] = [];
    if (schemaTenants.length > 0) {
      const { result: sizes, ms } = await timed(() => measureSchemas(client, schemaTenants.map((tenant) => tenant.schemaName)));
      scanMs.schemas = ms;
      schemasMissing = schemaTenants.filter((tenant) => !sizes.has(tenant.schemaName)).map((tenant) => tenant.schemaName);
      storage.push(...schemaStorage(schemaTenants, sizes));
    }
    return { measuredAt, storage, schemasMissing, rowsScanned, scanMs };
  });
}

async function storeMeasurements(shardId: string, at: Date, reading: ShardReading): Promise<{ samplesInserted: number; latestUpdated: number }> {
  const { storage } = reading;
  // 100k tenants in one statement takes seconds: a background connection, not the pages' pool.
  return withControlClient(STORAGE_SCAN_TIMEOUT_MS, async (client) => {
    await ensurePartitionFor(client, 'tenant_usage_samples', at);
    const { rows } = await client.query<{ samples_inserted: number; latest_updated: number }>(STORE_MEASUREMENTS_SQL, [
      at,
      shardId,
      reading.measuredAt,
      storage.map((row) => row.tenantId),
      storage.map((row) => row.storageBytes),
      storage.map((row) => row.users),
      storage.map((row) => row.method),
    ]);
    return { samplesInserted: rows[0].samples_inserted, latestUpdated: rows[0].latest_updated };
  });
}

/** Measures and stores every tenant of `shard` for the slot `at`; idempotent per (shard, slot). */
export async function measureTenantStorage(shard: ShardConfig, at: Date): Promise<StorageMeasurementReport> {
  const started = performance.now();
  const { rows: tenants } = await getControlPool().query<ShardTenant>(SHARD_TENANTS_SQL, [shard.id]);
  // A shard without tenants (new, or drained) is not even connected to.
  const reading = tenants.length > 0 ? await readShard(shard, tenants) : emptyReading();
  const stored = reading.storage.length > 0 ? await storeMeasurements(shard.id, at, reading) : { samplesInserted: 0, latestUpdated: 0 };
  return {
    shardId: shard.id,
    at: at.toISOString(),
    tenantsMeasured: reading.storage.length,
    sharedTenants: reading.storage.filter((row) => row.method === 'apportioned').length,
    schemaTenants: reading.storage.filter((row) => row.method === 'schema').length,
    schemasMissing: reading.schemasMissing,
    rowsScanned: reading.rowsScanned,
    scanMs: reading.scanMs,
    ...stored,
    durationMs: Math.round(performance.now() - started),
  };
}
