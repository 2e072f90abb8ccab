import { describe, expect, it } from 'vitest';
import { parameterCount } from '@/lib/statements/statement-parameters';
import { MAX_STATEMENT_LIMIT } from '@/lib/statements/statements-model';
import { statementDetailQuerySchema, statementPathSchema, statementsQuerySchema } from '@/lib/statements/statements-params';

describe('parameter count of a normalized statement', () => {
  it('is the highest $n, not how many appear', () => {
    expect(parameterCount('select * from orders where tenant_id = $1 and id = $3 or id = $1')).toBe(3);
    expect(parameterCount('insert into t values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)')).toBe(11);
    expect(parameterCount('select now()')).toBe(0);
  });

  it('ignores $n inside strings, quoted identifiers, comments and dollar-quoted bodies', () => {
    expect(parameterCount(`select '$7', "col$8", $1 -- $9\nfrom t /* $10 /* nested $11 */ still */ where x = $2`)).toBe(2);
    expect(parameterCount('do $$ begin perform $5; end $$')).toBe(0);
    expect(parameterCount('select $body$ $4 $body$, $1')).toBe(1);
    expect(parameterCount(`select E'it\\'s $6', 'it''s $7', $2`)).toBe(2);
  });

  it('does not take an identifier containing $ for a parameter', () => {
    expect(parameterCount('select a$1 from t where b = $2')).toBe(2);
  });
});

describe('statements query string', () => {
  it('defaults window, sort and limit', () => {
    expect(statementsQuerySchema.parse({})).toEqual({ window: '1h', sort: 'total_time', limit: 50 });
  });

  it('refuses a window or sort outside the allowlist, naming the field', () => {
    const badWindow = statementsQuerySchema.safeParse({ window: '2h' });
    expect(badWindow.success).toBe(false);
    expect(badWindow.error?.issues[0].path).toEqual(['window']);
    const badSort = statementsQuerySchema.safeParse({ sort: 'query; drop table x' });
    expect(badSort.error?.issues[0].path).toEqual(['sort']);
  });

  it('caps the limit, and treats an empty search or user as no filter', () => {
    expect(statementsQuerySchema.parse({ limit: '5000' }).limit).toBe(MAX_STATEMENT_LIMIT);
    expect(statementsQuerySchema.parse({ q: '  ', user: '' })).toMatchObject({ q: undefined, user: undefined });
    expect(statementsQuerySchema.safeParse({ limit: '0' }).error?.issues[0].path).toEqual(['limit']);
  });

  it('takes a statement hash of 32 hex digits and a range from the allowlist', () => {
    expect(statementPathSchema.safeParse({ statementHash: 'a'.repeat(32) }).success).toBe(true);
    expect(statementPathSchema.safeParse({ statementHash: 'not-a-hash' }).error?.issues[0].path).toEqual(['statementHash']);
    expect(statementDetailQuerySchema.safeParse({ range: '2d' }).error?.issues[0].path).toEqual(['range']);
  });
});
