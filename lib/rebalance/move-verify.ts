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
  lockForSequenceSql,
  markSourceDone,
  maxIdSql,
  nextSequenceValue,
  parseChunkCursor,
  RAISE_SEQUENCE_SQL,
  raisedNextValue,
  sequenceStateSql,
  startCursor,
  VERIFY_SESSION_OPTIONS,
  type ChunkCursor,
  type ChunkRow,
  type ChunkStatements,
  type SequenceState,
} from './move-verify-sql';

/**
 * The verify phase of a tenant move: per tenant table, row count and an
 * ordered hash of the tenant's rows on source and target (chunked along the
 * primary key, resumable from a cursor), and the target's identity sequences
 * set past the moved ids. The caller has fenced the tenant and drained the
 * target, so neither side's rows of the tenant change while this reads them.
 */

/** Rows per chunk: a chunk's statement aggregates 32 bytes per row, so 5,000 rows are 160 kB. */
export const DEFAULT_CHUNK_ROWS = 5_000;

/** One chunk's statement: an index range of the primary key; generous, since the tenant's writes are blocked anyway. */
const CHUNK_TIMEOUT_MS = 60_000;

/** How long the sequence step waits for a table lock behind an open writer before giving up (the phase retries). */
const SEQUENCE_LOCK_TIMEOUT_MS = 2_000;

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

async function walkTable(
  sourceClient: pg.Client,
  targetClient: pg.Client,
  table: TenantTable,
  tenantId: string,
  statements: ChunkStatements,
  options: VerifyTableOptions,
): Promise<TableVerificationResult> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new Error(`chunkRows must be a positive integer, got ${chunkRows}`);
  let cursor = options.resumeFrom ? parseChunkCursor(options.resumeFrom, table) : startCursor(table);
  await inSnapshots([sourceClient, targetClient], async () => {
    for (;;) {
      const after = cursor.afterId;
      if (!cursor.sourceDone) {
        const source = await chunk(sourceClient, after === null ? statements.first : statements.next, after === null ? [tenantId, chunkRows] : [tenantId, after, chunkRows]);
        if (source.row_count === 0) {
          cursor = markSourceDone(cursor);
        } else {
          const target = await chunk(targetClient, after === null ? statements.firstRange : statements.nextRange, after === null ? [tenantId, source.last_id] : [tenantId, after, source.last_id]);
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
  const statements = chunkStatements(table, schemaName);
  return withSides(source, target, (sourceClient, targetClient) => walkTable(sourceClient, targetClient, table, tenantId, statements, options));
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
      const result = await walkTable(sourceClient, targetClient, table, tenantId, chunkStatements(table, schemaName), {
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
  const client = await connectOwner(target, `-c lock_timeout=${SEQUENCE_LOCK_TIMEOUT_MS}`, CHUNK_TIMEOUT_MS);
  try {
    const settings: SequenceSetting[] = [];
    for (const table of TENANT_TABLES) {
      const relation = qualifiedTenantTable(table, schemaName);
      await client.query('begin');
      try {
        const { rows } = await client.query<{ sequence_name: string | null }>(ID_SEQUENCE_SQL, [relation]);
        const sequence = rows[0]?.sequence_name;
        if (!sequence) throw new Error(`${relation}.id on the target has no identity sequence (tenant ${tenantId})`);
        await client.query(lockForSequenceSql(table, schemaName));
        const maxId = BigInt((await client.query<{ max_id: string }>(maxIdSql(table, schemaName))).rows[0].max_id);
        const state = (await client.query<SequenceState>(sequenceStateSql(sequence), [sequence])).rows[0];
        const nextBefore = nextSequenceValue(state);
        const raised = raisedNextValue(state, maxId);
        if (raised !== null) await client.query(RAISE_SEQUENCE_SQL, [sequence, raised.toString()]);
        await client.query('commit');
        settings.push({ table, sequence, maxId: maxId.toString(), nextBefore: nextBefore.toString(), nextAfter: (raised ?? nextBefore).toString(), raised: raised !== null });
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    }
    return settings;
  } finally {
    await client.end().catch(() => {});
  }
}
