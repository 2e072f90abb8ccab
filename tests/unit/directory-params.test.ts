import { describe, expect, it } from 'vitest';
import { decodeCursor, directoryQuerySchema, encodeCursor, idPrefixRange, nameSubstringPattern } from '@/lib/tenants/directory-params';

const id = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

describe('directory query string', () => {
  it('defaults to name ascending, 50 per page', () => {
    expect(directoryQuerySchema.parse({})).toEqual({ sort: 'name', dir: 'asc', pageSize: 50 });
  });

  it('refuses a sort, filter or page size outside the allowlist, naming the field', () => {
    for (const [input, field] of [
      [{ sort: 'email' }, 'sort'],
      [{ pageSize: '500' }, 'pageSize'],
      [{ pageSize: '2.5' }, 'pageSize'],
      [{ status: 'deleted' }, 'status'],
      [{ layout: 'database' }, 'layout'],
    ] as const) {
      const result = directoryQuerySchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].path).toEqual([field]);
    }
    expect(directoryQuerySchema.safeParse({ extra: '1' }).success).toBe(false);
  });
});

describe('keyset cursor', () => {
  it('round-trips the sort value and the id', () => {
    const cursor = { sort: 'storage' as const, dir: 'desc' as const, value: '1048576', id };
    expect(decodeCursor(encodeCursor(cursor), 'storage', 'desc')).toEqual(cursor);
  });

  it('refuses a cursor of another sort or direction, or a forged one', () => {
    const text = encodeCursor({ sort: 'name', dir: 'asc', value: 'acme', id });
    expect(decodeCursor(text, 'created', 'asc')).toBeNull();
    expect(decodeCursor(text, 'name', 'desc')).toBeNull();
    expect(decodeCursor('bm90IGpzb24', 'name', 'asc')).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify(['name', 'asc', 'x', "1' or 1=1"])).toString('base64url'), 'name', 'asc')).toBeNull();
  });
});

describe('search helpers', () => {
  it('takes %, _ and backslash literally in a name search', () => {
    expect(nameSubstringPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('turns an id prefix into a primary-key range, with or without dashes', () => {
    expect(idPrefixRange('3fa85f64-57')).toEqual({ low: '3fa85f64-5700-0000-0000-000000000000', high: '3fa85f64-57ff-ffff-ffff-ffffffffffff' });
    expect(idPrefixRange('3FA85F645717')).toEqual({ low: '3fa85f64-5717-0000-0000-000000000000', high: '3fa85f64-5717-ffff-ffff-ffffffffffff' });
    expect(idPrefixRange(id)).toEqual({ low: id, high: id });
  });

  it('says a name-like search is no id prefix', () => {
    expect(idPrefixRange('acme')).toBeNull();
    expect(idPrefixRange('a')).toBeNull();
    expect(idPrefixRange('3fa-85')).toBeNull();
  });
});
