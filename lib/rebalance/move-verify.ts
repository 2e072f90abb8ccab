import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME } from '@/lib/fleet/node-pools';
import { qualifiedTenantTable, TENANT_TABLES, type TenantTable } from '@/lib/tenants/tenant-schema';
import type { TableVerification } from './move-model';
import {
  advanceAligned,
  advanceTail,
  chunkStatements,
  ID_SEQUENCE_SQL,
  DRAW_SEQUENCE_SQL,
  JUMP_SEQUENCE_SQL,
  markSourceDone,
  maxIdSql,
  nextSequenceValue,
  parseChunkCursor,
  SEQUENCE_DRAW_LIMIT,
  raisedNextValue,
  sequenceStateSql,
  startCursor,
  TABLE_COLUMNS_SQL,
  VERIFY_SESSION_OPTIONS,
  type ChunkCursor,
  type ChunkRow,
  type SequenceState,
} from './move-verify-sql';

/**
 * The verify phase of a tenant move: per tenant table, row count and an
 * ordered hash of the tenant's rows on source and target (chunked along the
 * primary key, both sides hashing a chunk at the same time, resumable from a
 * cursor), and the target's identity sequences set past the moved ids. The
 * caller has fenced the tenant and drained the target, so neither side's rows
 * of the tenant change while this reads them.
 */

/** Rows per chunk: a chunk's statement aggregates its rows' text (a few hundred bytes each here), so 5,000 rows are about 1 MB. */
export const DEFAULT_CHUNK_ROWS = 5_000;

/** One chunk's statement: an index range of the primary key; generous, since the tenant's writes are blocked anyway. */
const CHUNK_TIMEOUT_MS = 60_000;


export type { ChunkCursor } from './move-verify-sql';

export interface TableVerificationResult extends TableVerification {
  chunks: number;
}

export interface VerifyTableOptions {
  chunkRows?: number;
  /** Continue a walk from a checkpointed cursor of this table instead of starting over. */
  resumeFrom?: ChunkCursor;
  /** After every chunk: the cursor to checkpoint. */
  onProgress?: (cursor: ChunkCursor) => void | Promise<void>;
}

async function connectOwner(shard: ShardConfig, options: string, statementTimeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: shard.adminUrl,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    statement_timeout: statementTimeoutMs,
    // Client side too: a primary that accepts TCP but never answers fails the phase instead of hanging it.
    query_timeout: statementTimeoutMs + 5_000,
    application_name: CONSOLE_APPLICATION_NAME,
    options,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function withSides<T>(source: ShardConfig, target: ShardConfig, work: (sourceClient: pg.Client, targetClient: pg.Client) => Promise<T>): Promise<T> {
  const connected = await Promise.allSettled([
    connectOwner(source, VERIFY_SESSION_OPTIONS, CHUNK_TIMEOUT_MS),
    connectOwner(target, VERIFY_SESSION_OPTIONS, CHUNK_TIMEOUT_MS),
  ]);
  const failed = connected.find((side) => side.status === 'rejected');
  if (failed) {
    for (const side of connected) if (side.status === 'fulfilled') await side.value.end().catch(() => {});
    throw failed.reason;
  }
  const [sourceClient, targetClient] = connected.map((side) => (side as PromiseFulfilledResult<pg.Client>).value);
  try {
    return await work(sourceClient, targetClient);
  } finally {
    await Promise.all([sourceClient.end().catch(() => {}), targetClient.end().catch(() => {})]);
  }
}

async function chunk(client: pg.Client, sql: string, params: unknown[]): Promise<ChunkRow> {
  return (await client.query<ChunkRow>(sql, params)).rows[0];
}

async function chunkEnd(client: pg.Client, sql: string, params: unknown[]): Promise<string | null> {
  return (await client.query<{ through_id: string | null }>(sql, params)).rows[0].through_id;
}

/** Each side reads the table in one repeatable-read, read-only snapshot. */
async function inSnapshots<T>(clients: pg.Client[], work: () => Promise<T>): Promise<T> {
  for (const client of clients) await client.query('begin isolation level repeatable read read only');
  try {
    const result = await work();
    for (const client of clients) await client.query('commit');
    return result;
  } catch (error) {
    for (const client of clients) await client.query('rollback').catch(() => {});
    throw error;
  }
}

/** The table's columns by name on both sides; they must be the same names (the catalog comparison before the fence said so). */
async function tableColumns(sourceClient: pg.Client, targetClient: pg.Client, relation: string): Promise<string[]> {
  const [sourceColumns, targetColumns] = await Promise.all(
    [sourceClient, targetClient].map(async (client) => (await client.query<{ column_name: string }>(TABLE_COLUMNS_SQL, [relation])).rows.map((row) => row.column_name)),
  );
  if (sourceColumns.join('\u0000') !== targetColumns.join('\u0000')) {
    throw new Error(`${relation} has columns (${sourceColumns.join(', ')}) on the source but (${targetColumns.join(', ')}) on the target`);
  }
  return sourceColumns;
}

async function walkTable(
  sourceClient: pg.Client,
  targetClient: pg.Client,
  table: TenantTable,
  tenantId: string,
  schemaName: string | null,
  options: VerifyTableOptions,
): Promise<TableVerificationResult> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new Error(`chunkRows must be a positive integer, got ${chunkRows}`);
  let cursor = options.resumeFrom ? parseChunkCursor(options.resumeFrom, table) : startCursor(table);
  await inSnapshots([sourceClient, targetClient], async () => {
    const statements = chunkStatements(table, schemaName, await tableColumns(sourceClient, targetClient, qualifiedTenantTable(table, schemaName)));
    for (;;) {
      const after = cursor.afterId;
      if (!cursor.sourceDone) {
        const through = await chunkEnd(sourceClient, after === null ? statements.firstThrough : statements.nextThrough, after === null ? [tenantId, chunkRows] : [tenantId, after, chunkRows]);
        if (through === null) {
          cursor = markSourceDone(cursor);
        } else {
          // Both sides hash the same id range at once, each on its own server.
          const range = after === null ? statements.firstRange : statements.nextRange;
          const params = after === null ? [tenantId, through] : [tenantId, after, through];
          const [source, target] = await Promise.all([chunk(sourceClient, range, params), chunk(targetClient, range, params)]);
          cursor = advanceAligned(cursor, source, target);
        }
      } else {
        const target = await chunk(targetClient, after === null ? statements.first : statements.next, after === null ? [tenantId, chunkRows] : [tenantId, after, chunkRows]);
        const next = advanceTail(cursor, target);
        if (next === null) break;
        cursor = next;
      }
      await options.onProgress?.(cursor);
    }
  });
  return {
    table,
    sourceRows: cursor.sourceRows,
    targetRows: cursor.targetRows,
    sourceHash: cursor.sourceHash,
    targetHash: cursor.targetHash,
    equal: cursor.sourceRows === cursor.targetRows && cursor.sourceHash === cursor.targetHash,
    chunks: cursor.chunks,
  };
}

/**
 * One table: the tenant's rows on source and target, counted and hashed in
 * primary-key order, chunk by chunk. Equal counts and hashes: equal.
 */
export async function verifyTenantTable(
  source: ShardConfig,
  target: ShardConfig,
  table: TenantTable,
  tenantId: string,
  schemaName: string | null,
  options: VerifyTableOptions = {},
): Promise<TableVerificationResult> {
  return withSides(source, target, (sourceClient, targetClient) => walkTable(sourceClient, targetClient, table, tenantId, schemaName, options));
}

/** Where a tenant's verification stands: the tables finished, and the cursor inside the current one. JSON-safe, for the checkpoint. */
export interface TenantVerifyProgress {
  finished: TableVerificationResult[];
  current: ChunkCursor | null;
}

export interface VerifyTenantOptions {
  chunkRows?: number;
  resumeFrom?: TenantVerifyProgress;
  onProgress?: (progress: TenantVerifyProgress) => void | Promise<void>;
}

/** Every tenant table (TENANT_TABLES order), resuming after the tables a checkpoint says are done. */
export async function verifyTenant(
  source: ShardConfig,
  target: ShardConfig,
  tenantId: string,
  schemaName: string | null,
  options: VerifyTenantOptions = {},
): Promise<TableVerificationResult[]> {
  const finished = [...(options.resumeFrom?.finished ?? [])];
  return withSides(source, target, async (sourceClient, targetClient) => {
    for (const table of TENANT_TABLES) {
      if (finished.some((result) => result.table === table)) continue;
      const current = options.resumeFrom?.current?.table === table ? options.resumeFrom.current : undefined;
      const result = await walkTable(sourceClient, targetClient, table, tenantId, schemaName, {
        chunkRows: options.chunkRows,
        resumeFrom: current,
        onProgress: (cursor) => options.onProgress?.({ finished: [...finished], current: cursor }),
      });
      finished.push(result);
      await options.onProgress?.({ finished: [...finished], current: null });
    }
    return TENANT_TABLES.map((table) => finished.find((result) => result.table === table)!);
  });
}

export interface SequenceSetting {
  table: TenantTable;
  sequence: string;
  /** Largest id in the whole table (0 when empty). */
  maxId: string;
  /** The next value the sequence handed out before and after. */
  nextBefore: string;
  nextAfter: string;
  raised: boolean;
}

/**
 * The target's identity sequences set past the moved ids: the next default id
 * is above every id in the table (the whole table: in the shared layout the
 * sequence serves all tenants of the shard). Never moves a sequence backwards;
 * an empty table leaves it as it is. Idempotent.
 */
export async function setSequencesPastMovedIds(target: ShardConfig, tenantId: string, schemaName: string | null): Promise<SequenceSetting[]> {
  const client = await connectOwner(target, '', CHUNK_TIMEOUT_MS);
  try {
    const settings: SequenceSetting[] = [];
    for (const table of TENANT_TABLES) {
      const relation = qualifiedTenantTable(table, schemaName);
      const { rows } = await client.query<{ sequence_name: string | null }>(ID_SEQUENCE_SQL, [relation]);
      const sequence = rows[0]?.sequence_name;
      if (!sequence) throw new Error(`${relation}.id on the target has no identity sequence (tenant ${tenantId})`);
      const maxId = BigInt((await client.query<{ max_id: string }>(maxIdSql(table, schemaName))).rows[0].max_id);
      const readState = async () => (await client.query<SequenceState>(sequenceStateSql(sequence), [sequence])).rows[0];
      const nextBefore = nextSequenceValue(await readState());
      let raised = false;
      // A jump whose guard failed (others drew past it meanwhile) reads the sequence again; the gap only shrinks.
      for (let state = await readState(), wanted = raisedNextValue(state, maxId); wanted !== null; state = await readState(), wanted = raisedNextValue(state, maxId)) {
        const increment = BigInt(state.increment);
        const gap = wanted - nextSequenceValue(state);
        if (gap <= SEQUENCE_DRAW_LIMIT) {
          await client.query(DRAW_SEQUENCE_SQL, [sequence, Number((gap + increment - 1n) / increment)]);
        } else {
          await client.query(JUMP_SEQUENCE_SQL, [sequence, wanted.toString(), SEQUENCE_DRAW_LIMIT.toString()]);
        }
        raised = true;
      }
      const nextAfter = nextSequenceValue(await readState());
      settings.push({ table, sequence, maxId: maxId.toString(), nextBefore: nextBefore.toString(), nextAfter: nextAfter.toString(), raised });
    }
    return settings;
  } finally {
    await client.end().catch(() => {});
  }
}
