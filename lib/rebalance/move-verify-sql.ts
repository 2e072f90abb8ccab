import { createHash } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { qualifiedTenantTable, TENANT_TABLES, type TenantTable } from '@/lib/tenants/tenant-schema';

/**
 * The verify phase's SQL and the pure arithmetic over its results (no I/O;
 * lib/rebalance/move-verify.ts runs it). A tenant's rows of one table are
 * walked along the primary key (tenant_id, id) in chunks; each chunk yields
 * its row count, its last id and an md5 of its rows in id order, and the
 * client folds the chunk hashes into a running sha256 per side. The source
 * sets the chunk boundaries (keyset pagination, N rows, from the primary key
 * alone); both sides then hash the same id range at once, and the target
 * whatever it holds past the source's last id. So a big tenant never builds
 * one huge string, and a resumed walk continues from the last id instead of
 * starting over.
 */

/** The table's columns by name, dropped ones left out; $1 the table as a statement names it. */
export const TABLE_COLUMNS_SQL = `
  select a.attname::text as column_name
  from pg_attribute a
  where a.attrelid = $1::regclass
    and a.attnum > 0
    and not a.attisdropped
  order by a.attname::text collate "C"`;

/**
 * A row's text: its columns in name order, as a row value. Not t::text,
 * which follows column position: the catalog comparison matches columns by
 * name (as logical replication does), so two shards may order them
 * differently. A row value's text quotes each field as needed, so the text
 * tells its fields apart and every value is in it. It depends on the
 * session's TimeZone (timestamptz) and extra_float_digits: the connections
 * pin both (VERIFY_SESSION_OPTIONS).
 */
export function rowTextSql(columns: readonly string[]): string {
  if (columns.length === 0) throw new Error('a row text needs at least one column');
  return `row(${columns.map((column) => `t.${pg.escapeIdentifier(column)}`).join(', ')})::text`;
}

/**
 * One chunk: count, last id and md5 of its rows' texts in id order. An empty
 * chunk has count 0 and a null hash.
 *
 * Four shapes, one per bound combination, rather than `$2 is null or id > $2`:
 * a generic plan could not use that as an index condition and would rescan the
 * tenant's range from its start for every chunk.
 */
function chunkSql(relation: string, rowText: string, bounds: { after: boolean; through: boolean }): string {
  const conditions = ['t.tenant_id = $1'];
  const params: string[] = [];
  if (bounds.after) conditions.push(`t.id > $${1 + params.push('after')}::bigint`);
  if (bounds.through) conditions.push(`t.id <= $${1 + params.push('through')}::bigint`);
  // A range takes every row it holds; the target's tail is read N rows at a time.
  const limit = bounds.through ? '' : `\n    limit $${2 + params.length}::int`;
  return `
  with chunk as (
    select t.id, ${rowText} as row_text
    from ${relation} t
    where ${conditions.join('\n      and ')}
    order by t.id${limit}
  )
  select count(*)::int as row_count,
         max(id)::text as last_id,
         md5(string_agg(row_text, '' order by id)) as chunk_hash
  from chunk`;
}

/** The last id of the source's next N rows (null: none left), read from the primary key alone. */
function throughSql(relation: string, after: boolean): string {
  return `
  select max(chunk.id)::text as through_id
  from (
    select t.id
    from ${relation} t
    where t.tenant_id = $1${after ? '\n      and t.id > $2::bigint' : ''}
    order by t.id
    limit $${after ? 3 : 2}::int
  ) chunk`;
}

export interface ChunkStatements {
  /** $1 tenant, $2 rows: the last id of the source's first N rows. */
  firstThrough: string;
  /** $1 tenant, $2 after id, $3 rows: the last id of the next N. */
  nextThrough: string;
  /** $1 tenant, $2 rows: the first N of the target's rows (the tail, when the source has none). */
  first: string;
  /** $1 tenant, $2 after id, $3 rows: the next N of the target's tail. */
  next: string;
  /** $1 tenant, $2 through id: either side's rows of the first range. */
  firstRange: string;
  /** $1 tenant, $2 after id, $3 through id: either side's rows of a later range. */
  nextRange: string;
}

/**
 * The chunk statements for one tenant table; the relation comes from the
 * allowlist (TENANT_TABLES) only, the columns from the catalog (quoted).
 */
export function chunkStatements(table: TenantTable, schemaName: string | null, columns: readonly string[]): ChunkStatements {
  if (!TENANT_TABLES.includes(table)) throw new Error(`not a tenant table: ${table}`);
  const relation = qualifiedTenantTable(table, schemaName);
  const rowText = rowTextSql(columns);
  return {
    firstThrough: throughSql(relation, false),
    nextThrough: throughSql(relation, true),
    first: chunkSql(relation, rowText, { after: false, through: false }),
    next: chunkSql(relation, rowText, { after: true, through: false }),
    firstRange: chunkSql(relation, rowText, { after: false, through: true }),
    nextRange: chunkSql(relation, rowText, { after: true, through: true }),
  };
}

/**
 * Session settings both sides verify under: the same text for the same
 * values on two servers (timestamptz rendered in UTC, floats in shortest
 * exact form), read-only, and no parallel workers taking the primary's cores
 * while the tenant's writes are fenced.
 */
export const VERIFY_SESSION_OPTIONS = '-c TimeZone=UTC -c extra_float_digits=1 -c default_transaction_read_only=on -c max_parallel_workers_per_gather=0';

/** A chunk as the statement returns it. */
export interface ChunkRow {
  row_count: number;
  last_id: string | null;
  chunk_hash: string | null;
}

/** Running hash of a side that has folded no rows yet (sha256 of nothing): an empty table's hash. */
export const EMPTY_RUNNING_HASH = createHash('sha256').update('').digest('hex');

/** Folds one chunk into a side's running hash; an empty chunk leaves it as it was. */
export function foldChunk(runningHash: string, chunk: ChunkRow): string {
  if (chunk.row_count === 0 || chunk.chunk_hash === null) return runningHash;
  return createHash('sha256').update(runningHash).update(chunk.chunk_hash).digest('hex');
}

const BIGINT_TEXT = /^-?\d{1,19}$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Where a table's walk stands after a chunk: the last id both sides have
 * hashed through, whether the source is exhausted (the target's rows past the
 * source's last id are being counted), and each side's rows and running hash
 * so far. JSON-safe (ids as text): the caller checkpoints it in
 * tenant_moves.checkpoint and hands it back to resume.
 */
export const chunkCursorSchema = z.object({
  table: z.enum(TENANT_TABLES),
  afterId: z.string().regex(BIGINT_TEXT).nullable(),
  sourceDone: z.boolean(),
  sourceRows: z.number().int().nonnegative(),
  targetRows: z.number().int().nonnegative(),
  sourceHash: z.string().regex(HASH),
  targetHash: z.string().regex(HASH),
  chunks: z.number().int().nonnegative(),
});
export type ChunkCursor = z.infer<typeof chunkCursorSchema>;

/** A cursor before the first chunk. */
export function startCursor(table: TenantTable): ChunkCursor {
  return { table, afterId: null, sourceDone: false, sourceRows: 0, targetRows: 0, sourceHash: EMPTY_RUNNING_HASH, targetHash: EMPTY_RUNNING_HASH, chunks: 0 };
}

/**
 * The cursor after one of the source's chunks (not empty) and the target's
 * rows of the same id range: both sides advance to the source's last id.
 */
export function advanceAligned(cursor: ChunkCursor, source: ChunkRow, target: ChunkRow): ChunkCursor {
  if (cursor.sourceDone || source.row_count === 0 || source.last_id === null) throw new Error('an aligned chunk needs rows from the source');
  return {
    ...cursor,
    afterId: source.last_id,
    sourceRows: cursor.sourceRows + source.row_count,
    targetRows: cursor.targetRows + target.row_count,
    sourceHash: foldChunk(cursor.sourceHash, source),
    targetHash: foldChunk(cursor.targetHash, target),
    chunks: cursor.chunks + 1,
  };
}

/** The source has no rows past the cursor: from here on only the target's rows past it are counted. */
export function markSourceDone(cursor: ChunkCursor): ChunkCursor {
  return { ...cursor, sourceDone: true };
}

/**
 * The cursor after a chunk of the target's rows past the source's last id
 * (rows the source does not have: they make the counts differ). An empty
 * chunk ends the walk: returns null.
 */
export function advanceTail(cursor: ChunkCursor, target: ChunkRow): ChunkCursor | null {
  if (!cursor.sourceDone) throw new Error('the target tail is walked only after the source is exhausted');
  if (target.row_count === 0 || target.last_id === null) return null;
  return {
    ...cursor,
    afterId: target.last_id,
    targetRows: cursor.targetRows + target.row_count,
    targetHash: foldChunk(cursor.targetHash, target),
    chunks: cursor.chunks + 1,
  };
}

/** Validates a cursor read back from a checkpoint; names what is wrong. */
export function parseChunkCursor(value: unknown, table: TenantTable): ChunkCursor {
  const result = chunkCursorSchema.safeParse(value);
  if (!result.success) throw new Error(`verification cursor for ${table} is not valid: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  if (result.data.table !== table) throw new Error(`verification cursor is for ${result.data.table}, not ${table}`);
  return result.data;
}

/** The identity sequence of a tenant table's id: $1 the table as a statement names it. Null: the column has no sequence. */
export const ID_SEQUENCE_SQL = `select pg_get_serial_sequence($1, 'id') as sequence_name`;

/**
 * The largest id in the whole table, 0 when empty: in the shared layout the
 * sequence serves every tenant on the shard. A loose index scan over the
 * primary key (one descent per tenant for its max id) instead of a full scan,
 * since this runs while the moving tenant's writes are fenced.
 */
export function maxIdSql(table: TenantTable, schemaName: string | null): string {
  const relation = qualifiedTenantTable(table, schemaName);
  return `
  with recursive tenant_ids as (
    (select t.tenant_id from ${relation} t order by t.tenant_id limit 1)
    union all
    select (select t.tenant_id from ${relation} t where t.tenant_id > tenant_ids.tenant_id order by t.tenant_id limit 1)
    from tenant_ids
    where tenant_ids.tenant_id is not null
  )
  select coalesce(max((select max(t.id) from ${relation} t where t.tenant_id = tenant_ids.tenant_id)), 0)::text as max_id
  from tenant_ids
  where tenant_ids.tenant_id is not null`;
}

/** A sequence name as pg_get_serial_sequence returns it: schema-qualified, each part quoted by Postgres when needed. */
const QUALIFIED_NAME = /^(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\.(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)$/;

/**
 * The sequence's own row (last_value, is_called) and step: the next value it
 * will hand out is last_value when not yet called (or after setval(…, false)),
 * else last_value + increment. The name cannot be a parameter here; it comes
 * from the catalog, already quoted, and must have that shape.
 */
export function sequenceStateSql(sequenceName: string): string {
  if (!QUALIFIED_NAME.test(sequenceName)) throw new Error(`not a qualified sequence name: ${sequenceName}`);
  return `
  select s.last_value::text as last_value,
         s.is_called,
         p.seqincrement::text as increment
  from ${sequenceName} s
  cross join pg_sequence p
  where p.seqrelid = $1::regclass`;
}

/**
 * Raising a sequence that other tenants' inserts draw from, with no lock on
 * their table (a lock would wait behind any long transaction on the shard and
 * hold the moving tenant's fence meanwhile), and never backwards:
 *
 * - a small gap is drawn: $2 nextval() calls ($1 the sequence) move it at
 *   least that far whatever else draws at the same time;
 * - a gap over SEQUENCE_DRAW_LIMIT is jumped with setval, only while the
 *   sequence still stands more than that limit below the wanted value ($2 the
 *   wanted next value, $3 the limit), checked in the same statement: other
 *   sessions would have to draw that many values within it to be overtaken.
 *   No row: the guard failed; read the sequence again.
 */
export const SEQUENCE_DRAW_LIMIT = 100_000n;
export const DRAW_SEQUENCE_SQL = `select max(nextval($1::regclass))::text as last_value from generate_series(1, $2::int)`;
export const JUMP_SEQUENCE_SQL = `
  select setval($1::regclass, $2::bigint, false)::text as next_value
  where coalesce(pg_sequence_last_value($1::regclass), 0) < $2::bigint - $3::bigint`;

export interface SequenceState {
  last_value: string;
  is_called: boolean;
  increment: string;
}

/** The value the sequence's next nextval() returns. */
export function nextSequenceValue(state: SequenceState): bigint {
  const increment = BigInt(state.increment);
  if (increment <= 0n) throw new Error(`sequence counts down (increment ${state.increment}); ids cannot be set past the moved ones`);
  return state.is_called ? BigInt(state.last_value) + increment : BigInt(state.last_value);
}

/**
 * The next value the sequence must hand out so no default id collides with a
 * row already in the table (max id + 1, at least 1), or null when its next
 * value is already past that: a sequence is never moved backwards.
 */
export function raisedNextValue(state: SequenceState, maxId: bigint): bigint | null {
  const wanted = (maxId > 0n ? maxId : 0n) + 1n;
  return wanted > nextSequenceValue(state) ? wanted : null;
}
