import { inTransaction } from '@/lib/control/db';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { withShardOwnerClient } from '@/lib/fleet/shard-owner';
import type { TenantTable } from '@/lib/tenants/tenant-schema';
import { TENANT_TABLE_KEYS_SQL } from './move-catalog';
import { catalogSchema, COPY_COLUMNS_SQL, copyStatements } from './move-copy-sql';
import { bypassFenceInTransaction } from './move-fence';
import { MOVE_APPLICATION_NAME } from './move-replication';

/**
 * The copy strategy's data path: one tenant table at a time, the source's
 * `COPY (SELECT … WHERE tenant_id = … ORDER BY pk) TO STDOUT` piped into the
 * target's `COPY … FROM STDIN`, with nothing held in memory beyond the
 * streams' buffers. The source is fenced while this runs, so its rows of the
 * tenant cannot change under the copy.
 *
 * Each table is one transaction on the target that first deletes whatever
 * of the tenant that table already holds: a copy killed mid-stream rolls
 * back by itself, and one killed after its commit but before the phase's
 * checkpoint is copied again from scratch, never twice.
 */

/** DDL on the target would queue the apps' writes behind the copy's lock: wait this long for a lock, then fail (the move rolls back). */
const COPY_LOCK_TIMEOUT_MS = 5_000;
/** Progress reaches the move's row (and a cancel is noticed) this often while a table streams. */
export const COPY_PROGRESS_INTERVAL_MS = 1_000;

const NEWLINE = 0x0a;

export interface CopySides {
  source: pg.Client;
  target: pg.Client;
}

export interface StreamedSoFar {
  /** COPY text bytes that reached the target for this table. */
  bytes: number;
  rows: number;
}

export interface CopiedTable extends StreamedSoFar {
  table: TenantTable;
}

/**
 * One owner connection to each primary for the length of `work`. A table's
 * COPY may take as long as the tenant is big: `statementTimeoutMs` is the
 * caller's bound on the whole copy.
 */
export async function withCopySides<T>(source: ShardConfig, target: ShardConfig, statementTimeoutMs: number, work: (sides: CopySides) => Promise<T>): Promise<T> {
  return withShardOwnerClient(source, { statementTimeoutMs, applicationName: MOVE_APPLICATION_NAME }, (sourceClient) =>
    withShardOwnerClient(target, { statementTimeoutMs, lockTimeoutMs: COPY_LOCK_TIMEOUT_MS, applicationName: MOVE_APPLICATION_NAME }, (targetClient) =>
      work({ source: sourceClient, target: targetClient }),
    ),
  );
}

/** The columns to copy and the key to order by, from the source's catalog (prepare found the target's the same). */
async function tableShape(client: pg.Client, table: TenantTable, schemaName: string | null): Promise<{ columns: string[]; keyColumns: string[] }> {
  const schema = catalogSchema(schemaName);
  const columns = (await client.query<{ column_name: string }>(COPY_COLUMNS_SQL, [schema, table])).rows.map((row) => row.column_name);
  const keyColumns = (await client.query<{ key_columns: string[] }>(TENANT_TABLE_KEYS_SQL, [schema, [table]])).rows[0]?.key_columns ?? [];
  return { columns, keyColumns };
}

/** Text-format COPY ends every row with a newline and escapes newlines inside values (`\n`): a raw newline is one row. */
function countRows(chunk: Buffer): number {
  let rows = 0;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows += 1;
  return rows;
}

/**
 * A pass-through that counts what streams by and, at most every
 * COPY_PROGRESS_INTERVAL_MS, awaits `onProgress` (the stream waits with it);
 * an error from it (a cancel) stops the copy.
 */
function meter(onProgress: (streamed: StreamedSoFar) => Promise<void>): { stream: Transform; streamed: StreamedSoFar } {
  const streamed: StreamedSoFar = { bytes: 0, rows: 0 };
  let reportedAt = Date.now();
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      streamed.bytes += chunk.length;
      streamed.rows += countRows(chunk);
      if (Date.now() - reportedAt < COPY_PROGRESS_INTERVAL_MS) return done(null, chunk);
      reportedAt = Date.now();
      onProgress({ ...streamed }).then(() => done(null, chunk), done);
    },
  });
  return { stream, streamed };
}

/**
 * Copies the tenant's rows of one table from the source to the target, in one
 * target transaction that first removes any of the tenant's rows already
 * there (see the top of this file). The transaction may write past a fence
 * row the target holds for the tenant (a tenant moving back to a shard it
 * once left keeps a 'moved' row there).
 */
export async function copyTenantTable(
  sides: CopySides,
  table: TenantTable,
  tenantId: string,
  schemaName: string | null,
  onProgress: (streamed: StreamedSoFar) => Promise<void>,
): Promise<CopiedTable> {
  const { columns, keyColumns } = await tableShape(sides.source, table, schemaName);
  const statements = copyStatements(table, schemaName, tenantId, columns, keyColumns);
  return inTransaction(sides.target, async (target) => {
    await bypassFenceInTransaction(target, tenantId);
    await target.query(statements.removeLeftovers, [tenantId]);
    const progress = meter(onProgress);
    const into = target.query(copyFrom(statements.copyIn));
    await pipeline(sides.source.query(copyTo(statements.copyOut)), progress.stream, into);
    return { table, bytes: progress.streamed.bytes, rows: into.rowCount };
  });
}
