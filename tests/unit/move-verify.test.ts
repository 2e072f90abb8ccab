import { describe, expect, it } from 'vitest';
import {
  advanceAligned,
  advanceTail,
  chunkStatements,
  EMPTY_RUNNING_HASH,
  foldChunk,
  markSourceDone,
  maxIdSql,
  nextSequenceValue,
  parseChunkCursor,
  raisedNextValue,
  rowTextSql,
  sequenceStateSql,
  startCursor,
  type ChunkRow,
} from '@/lib/rebalance/move-verify-sql';

const chunkA: ChunkRow = { row_count: 3, last_id: '30', chunk_hash: 'a'.repeat(32) };
const chunkB: ChunkRow = { row_count: 2, last_id: '50', chunk_hash: 'b'.repeat(32) };
const empty: ChunkRow = { row_count: 0, last_id: null, chunk_hash: null };

describe('chunk folding', () => {
  it('leaves the running hash unchanged for an empty chunk, so two empty tables hash alike', () => {
    expect(foldChunk(EMPTY_RUNNING_HASH, empty)).toBe(EMPTY_RUNNING_HASH);
  });

  it('depends on the order of the chunks', () => {
    const ab = foldChunk(foldChunk(EMPTY_RUNNING_HASH, chunkA), chunkB);
    const ba = foldChunk(foldChunk(EMPTY_RUNNING_HASH, chunkB), chunkA);
    expect(ab).not.toBe(ba);
    expect(ab).toMatch(/^[0-9a-f]{64}$/);
  });

  it('advances both sides to the source chunk’s last id and counts rows on each side', () => {
    const cursor = advanceAligned(startCursor('orders'), chunkA, { ...chunkA, row_count: 2, chunk_hash: 'c'.repeat(32) });
    expect(cursor).toMatchObject({ afterId: '30', sourceRows: 3, targetRows: 2, chunks: 1, sourceDone: false });
    expect(cursor.sourceHash).not.toBe(cursor.targetHash);
  });

  it('gives equal hashes when both sides return the same chunks', () => {
    const cursor = advanceAligned(advanceAligned(startCursor('events'), chunkA, chunkA), chunkB, chunkB);
    expect(cursor.sourceHash).toBe(cursor.targetHash);
    expect(cursor.sourceRows).toBe(5);
  });

  it('counts the target’s rows past the source’s last id and ends on an empty tail chunk', () => {
    const aligned = markSourceDone(advanceAligned(startCursor('app_users'), chunkA, chunkA));
    const tail = advanceTail(aligned, chunkB)!;
    expect(tail).toMatchObject({ afterId: '50', sourceRows: 3, targetRows: 5, chunks: 2 });
    expect(tail.sourceHash).toBe(aligned.sourceHash);
    expect(advanceTail(tail, empty)).toBeNull();
  });

  it('refuses an aligned chunk without source rows and a tail before the source is done', () => {
    expect(() => advanceAligned(startCursor('orders'), empty, empty)).toThrow(/needs rows/);
    expect(() => advanceTail(startCursor('orders'), chunkA)).toThrow(/exhausted/);
  });
});

describe('verification cursor', () => {
  it('round-trips through JSON (the move checkpoint)', () => {
    const cursor = advanceAligned(startCursor('orders'), chunkA, chunkA);
    expect(parseChunkCursor(JSON.parse(JSON.stringify(cursor)), 'orders')).toEqual(cursor);
  });

  it('refuses a cursor of another table or with a malformed id', () => {
    const cursor = startCursor('orders');
    expect(() => parseChunkCursor(cursor, 'events')).toThrow(/for orders, not events/);
    expect(() => parseChunkCursor({ ...cursor, afterId: '1; drop table orders' }, 'orders')).toThrow(/afterId/);
    expect(() => parseChunkCursor({ ...cursor, sourceHash: 'x' }, 'orders')).toThrow(/sourceHash/);
  });
});

describe('chunk statements', () => {
  const columns = ['amount_cents', 'id', 'tenant_id'];

  it('number their parameters in order for each bound shape', () => {
    const statements = chunkStatements('orders', null, columns);
    expect(statements.firstThrough).toMatch(/tenant_id = \$1[\s\S]*limit \$2::int/);
    expect(statements.nextThrough).toMatch(/id > \$2::bigint[\s\S]*limit \$3::int/);
    expect(statements.first).toMatch(/tenant_id = \$1[\s\S]*limit \$2::int/);
    expect(statements.next).toMatch(/id > \$2::bigint[\s\S]*limit \$3::int/);
    expect(statements.firstRange).toMatch(/id <= \$2::bigint/);
    expect(statements.firstRange).not.toMatch(/limit/);
    expect(statements.nextRange).toMatch(/id > \$2::bigint[\s\S]*id <= \$3::bigint/);
  });

  it('hash every column, named in the order given, each quoted', () => {
    expect(chunkStatements('orders', null, columns).nextRange).toContain('row(t."amount_cents", t."id", t."tenant_id")::text');
    expect(rowTextSql(['odd"name'])).toBe('row(t."odd""name")::text');
    expect(() => rowTextSql([])).toThrow(/at least one column/);
  });

  it('quote a tenant schema and refuse a table outside the allowlist', () => {
    expect(chunkStatements('events', 'tenant_0123', columns).first).toContain('"tenant_0123"."events"');
    expect(chunkStatements('events', 'tenant_0123', columns).firstThrough).toContain('"tenant_0123"."events"');
    expect(maxIdSql('events', 'tenant_0123')).toContain('"tenant_0123"."events"');
    expect(() => chunkStatements('pg_authid' as never, null, columns)).toThrow(/not a tenant table/);
  });
});

describe('sequences past the moved ids', () => {
  const fresh = { last_value: '1', is_called: false, increment: '1' };

  it('reads the next value from last_value and is_called', () => {
    expect(nextSequenceValue(fresh)).toBe(1n);
    expect(nextSequenceValue({ last_value: '41', is_called: true, increment: '1' })).toBe(42n);
    expect(nextSequenceValue({ last_value: '40', is_called: true, increment: '10' })).toBe(50n);
  });

  it('raises a sequence behind the moved ids to max id + 1', () => {
    expect(raisedNextValue({ last_value: '100', is_called: true, increment: '1' }, 9_000n)).toBe(9_001n);
    expect(raisedNextValue(fresh, 1n)).toBe(2n);
  });

  it('leaves a fresh sequence on an empty table alone (never past NULL, never setval 0)', () => {
    expect(raisedNextValue(fresh, 0n)).toBeNull();
  });

  it('never moves a sequence backwards', () => {
    expect(raisedNextValue({ last_value: '1000000', is_called: true, increment: '1' }, 9_000n)).toBeNull();
    expect(raisedNextValue({ last_value: '9001', is_called: false, increment: '1' }, 9_000n)).toBeNull();
  });

  it('handles ids beyond 2^53 exactly', () => {
    expect(raisedNextValue(fresh, 9_007_199_254_740_993n)).toBe(9_007_199_254_740_994n);
  });

  it('refuses a descending sequence and a sequence name not shaped like the catalog’s', () => {
    expect(() => nextSequenceValue({ last_value: '1', is_called: true, increment: '-1' })).toThrow(/counts down/);
    expect(sequenceStateSql('"tenant_ab".orders_id_seq')).toContain('from "tenant_ab".orders_id_seq s');
    expect(() => sequenceStateSql('public.x; drop table orders')).toThrow(/not a qualified sequence name/);
  });
});
