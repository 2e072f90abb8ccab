import { describe, expect, it } from 'vitest';
import { auditFilterSearch, auditQuerySchema } from '@/lib/audit/audit-filter';

function fieldOf(query: Record<string, string>): string | undefined {
  const parsed = auditQuerySchema.safeParse(query);
  return parsed.success ? undefined : parsed.error.issues[0]?.path.join('.');
}

describe('audit filter parameters', () => {
  it('reads every filter, with the page size defaulting to 100 and JSON', () => {
    expect(
      auditQuerySchema.parse({
        actor: 'alice',
        action: 'auth.',
        target: 'ACME',
        result: 'refused',
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00+01:00',
        after: '9001',
      }),
    ).toEqual({
      actor: 'alice',
      action: 'auth.',
      target: 'ACME',
      result: 'refused',
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-02T00:00:00+01:00',
      after: '9001',
      limit: 100,
      format: 'json',
    });
  });

  it('takes an empty parameter as no filter, as an HTML form sends it', () => {
    const parsed = auditQuerySchema.parse({ actor: '', action: '', target: '', result: '', from: '', to: '', after: '', limit: '', format: '' });
    expect(Object.values(parsed).filter((value) => value !== undefined)).toEqual([100, 'json']);
  });

  it('names the field at fault', () => {
    expect(fieldOf({ from: 'yesterday' })).toBe('from');
    expect(fieldOf({ to: '2026-12-01T09:00:00' })).toBe('to');
    expect(fieldOf({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' })).toBe('from');
    expect(fieldOf({ result: 'maybe' })).toBe('result');
    expect(fieldOf({ after: 'abc' })).toBe('after');
    expect(fieldOf({ after: '0' })).toBe('after');
    expect(fieldOf({ after: '-5' })).toBe('after');
    expect(fieldOf({ after: '9223372036854775808' })).toBe('after');
    expect(fieldOf({ limit: '0' })).toBe('limit');
    expect(fieldOf({ limit: 'abc' })).toBe('limit');
    expect(fieldOf({ format: 'xlsx' })).toBe('format');
    expect(fieldOf({ target: 'a\u0000b' })).toBe('target');
    expect(fieldOf({ from: '0000-01-01T00:00:00Z' })).toBe('from');
  });

  it('accepts an empty time range and the largest id', () => {
    expect(fieldOf({ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })).toBeUndefined();
    expect(fieldOf({ after: '9223372036854775807' })).toBeUndefined();
  });

  it('writes only the filters that are set back into a query string', () => {
    expect(auditFilterSearch({ actor: 'alice', result: 'ok' }, { format: 'csv' })).toBe('actor=alice&result=ok&format=csv');
    expect(auditFilterSearch({})).toBe('');
  });
});
