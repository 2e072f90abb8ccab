import { describe, expect, it } from 'vitest';
import {
  candidateIndexes,
  chooseCandidate,
  columnReferences,
  covers,
  createIndexConcurrentlySql,
  findDuplicateGroups,
  findRedundantIndexes,
  hypotheticalIndexSql,
  improvementPct,
  seqScannedTables,
  suggestedIndexName,
  toDuplicateAdvice,
  toRedundantAdvice,
  totalCost,
  type IndexDefinition,
} from '@/lib/statements/index-advice-model';

const INT4_OPS = '1978';
const TEXT_OPS = '3126';
const DEFAULT_COLLATION = '100';

/** A btree index on public.orders over int columns unless told otherwise. */
function index(name: string, keyColumns: string[], overrides: Partial<IndexDefinition> = {}): IndexDefinition {
  return {
    table: 'public.orders',
    index: `public.${name}`,
    accessMethod: 'btree',
    keyColumns,
    includeColumns: [],
    opclasses: keyColumns.map(() => INT4_OPS),
    collations: keyColumns.map(() => '0'),
    options: keyColumns.map(() => 0),
    predicate: null,
    unique: false,
    primary: false,
    backsConstraint: false,
    indexBytes: 8192,
    definition: `CREATE INDEX ${name} ON public.orders USING btree (${keyColumns.join(', ')})`,
    ...overrides,
  };
}

describe('duplicate indexes', () => {
  it('groups indexes with the same columns, keeping the one a constraint needs', () => {
    const pkey = index('orders_pkey', ['tenant_id', 'id'], { unique: true, primary: true, backsConstraint: true });
    const copy = index('orders_tenant_id_id_idx', ['tenant_id', 'id'], { unique: true, indexBytes: 40_960 });
    const groups = findDuplicateGroups([copy, pkey]);
    expect(groups).toHaveLength(1);
    expect(toDuplicateAdvice(groups)).toEqual([
      { table: 'public.orders', indexes: ['public.orders_pkey', 'public.orders_tenant_id_id_idx'], indexBytes: 40_960, definition: pkey.definition },
    ]);
  });

  it('sums the bytes of every copy but the kept one, and keeps the first by name among equals', () => {
    const groups = findDuplicateGroups([index('b_idx', ['status'], { indexBytes: 100 }), index('a_idx', ['status'], { indexBytes: 300 }), index('c_idx', ['status'], { indexBytes: 50 })]);
    expect(toDuplicateAdvice(groups)[0]).toMatchObject({ indexes: ['public.a_idx', 'public.b_idx', 'public.c_idx'], indexBytes: 150 });
  });

  it('does not call indexes duplicates when order, operator class, predicate, access method, INCLUDE or table differ', () => {
    const base = index('base', ['status']);
    const variants = [
      index('desc', ['status'], { options: [3] }),
      index('text_ops', ['status'], { opclasses: [TEXT_OPS], collations: [DEFAULT_COLLATION] }),
      index('partial', ['status'], { predicate: "(status = 'open'::text)" }),
      index('hash', ['status'], { accessMethod: 'hash' }),
      index('covering', ['status'], { includeColumns: ['amount_cents'] }),
      index('elsewhere', ['status'], { table: 'public.events' }),
      index('unique', ['status'], { unique: true }),
    ];
    expect(findDuplicateGroups([base, ...variants])).toEqual([]);
  });

  it('treats the same expression as the same column, and INCLUDE columns in any order as the same', () => {
    const groups = findDuplicateGroups([
      index('lower_a', ['lower(email)'], { includeColumns: ['id', 'created_at'] }),
      index('lower_b', ['lower(email)'], { includeColumns: ['created_at', 'id'] }),
    ]);
    expect(groups.map((group) => [group.keep.index, ...group.drop.map((dropped) => dropped.index)])).toEqual([['public.lower_a', 'public.lower_b']]);
  });
});

describe('redundant indexes', () => {
  it('finds an index whose columns lead another btree index on the same table', () => {
    const status = index('orders_status_idx', ['status'], { indexBytes: 1000 });
    const statusCreated = index('orders_status_created_idx', ['status', 'created_at']);
    const redundant = findRedundantIndexes([status, statusCreated], []);
    expect(toRedundantAdvice(redundant)).toEqual([
      { table: 'public.orders', index: 'public.orders_status_idx', coveredBy: 'public.orders_status_created_idx', indexBytes: 1000, definition: status.definition },
    ]);
  });

  it('never calls a unique or constraint index redundant, nor a non-prefix, nor across predicates, tables or access methods', () => {
    const wide = index('wide', ['status', 'created_at']);
    expect(covers(wide, index('unique', ['status'], { unique: true }))).toBe(false);
    expect(covers(wide, index('fk_target', ['status'], { backsConstraint: true }))).toBe(false);
    expect(covers(wide, index('second_column', ['created_at']))).toBe(false);
    expect(covers(wide, index('partial', ['status'], { predicate: '(amount_cents > 0)' }))).toBe(false);
    expect(covers(wide, index('other_table', ['status'], { table: 'public.events' }))).toBe(false);
    expect(covers(wide, index('gin', ['status'], { accessMethod: 'gin' }))).toBe(false);
    expect(covers(index('wide_desc', ['status', 'created_at'], { options: [3, 0] }), index('asc', ['status']))).toBe(false);
    expect(covers(index('partial_wide', ['status', 'created_at'], { predicate: '(amount_cents > 0)' }), index('partial', ['status'], { predicate: '(amount_cents > 0)' }))).toBe(true);
  });

  it('needs the covering index to store the INCLUDE columns the narrower one returns', () => {
    const narrowCovering = index('narrow', ['status'], { includeColumns: ['amount_cents'] });
    expect(covers(index('wide', ['status', 'created_at']), narrowCovering)).toBe(false);
    expect(covers(index('wide_amount', ['status', 'amount_cents']), narrowCovering)).toBe(true);
  });

  it('calls a non-unique index redundant next to a unique one on the same columns, not the other way round', () => {
    const plain = index('plain', ['email']);
    const unique = index('unique', ['email'], { unique: true, backsConstraint: true });
    expect(findRedundantIndexes([plain, unique], []).map((entry) => [entry.index.index, entry.coveredBy.index])).toEqual([['public.plain', 'public.unique']]);
  });

  it('points at an index that is not itself redundant, and reports each duplicate group once', () => {
    const a = index('a', ['status']);
    const aCopy = index('a_copy', ['status']);
    const ab = index('ab', ['status', 'created_at']);
    const abc = index('abc', ['status', 'created_at', 'amount_cents']);
    const all = [a, aCopy, ab, abc];
    const groups = findDuplicateGroups(all);
    expect(groups.map((group) => group.drop.map((dropped) => dropped.index))).toEqual([['public.a_copy']]);
    const redundant = findRedundantIndexes(all, groups).map((entry) => [entry.index.index, entry.coveredBy.index]);
    expect(redundant).toEqual(
      expect.arrayContaining([
        ['public.a', 'public.abc'],
        ['public.ab', 'public.abc'],
      ]),
    );
    expect(redundant).toHaveLength(2);
  });
});

/** EXPLAIN (FORMAT JSON, VERBOSE) of a join with a filtered seq scan on each side. */
const JOIN_PLAN = [
  {
    Plan: {
      'Node Type': 'Hash Join',
      'Total Cost': 2345.67,
      'Hash Cond': '(o.user_id = u.id)',
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'orders',
          Schema: 'public',
          Alias: 'o',
          'Total Cost': 1800,
          Filter: "((o.status = 'o.b.c'::text) AND (o.amount_cents > $1) AND (o.status <> 'x'::text))",
        },
        {
          'Node Type': 'Hash',
          Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'app_users', Schema: 'tenant_7', Alias: 'u', Filter: '(lower(u."E-mail") = pg_catalog.lower($2))' }],
        },
      ],
    },
  },
];

describe('reading candidate columns from a plan', () => {
  it('reads alias.column references, quoted or not, and skips string literals and schema-qualified functions', () => {
    expect(columnReferences(`((t.k = 5) AND ("My T"."Odd ""Col""" = 'a.b'::text) AND (pg_catalog.lower(t.v) = 'x'))`)).toEqual([
      { alias: 't', column: 'k' },
      { alias: 'My T', column: 'Odd "Col"' },
      { alias: 'pg_catalog', column: 'lower' },
      { alias: 't', column: 'v' },
    ]);
  });

  it('lists each seq-scanned table with its filter columns first, then its join columns', () => {
    expect(seqScannedTables(JOIN_PLAN)).toEqual([
      { schema: 'public', table: 'orders', columns: ['status', 'amount_cents', 'user_id'] },
      { schema: 'tenant_7', table: 'app_users', columns: ['E-mail', 'id'] },
    ]);
    expect(totalCost(JOIN_PLAN)).toBe(2345.67);
  });

  it('ignores index scans and seq scans that read the whole table', () => {
    const plan = [
      {
        Plan: {
          'Node Type': 'Nested Loop',
          Plans: [
            { 'Node Type': 'Seq Scan', 'Relation Name': 'events', Schema: 'public', Alias: 'e' },
            { 'Node Type': 'Index Scan', 'Relation Name': 'orders', Schema: 'public', Alias: 'o', 'Index Cond': '(o.id = e.id)', Filter: '(o.status = $1)' },
          ],
        },
      },
    ];
    expect(seqScannedTables(plan)).toEqual([]);
  });

  it('tries each of the first columns alone and the first two as a pair, in filter order', () => {
    expect(candidateIndexes(seqScannedTables(JOIN_PLAN)).map((candidate) => `${candidate.table}(${candidate.columns.join(',')})`)).toEqual([
      'orders(status)',
      'orders(amount_cents)',
      'orders(user_id)',
      'orders(status,amount_cents)',
      'app_users(E-mail)',
      'app_users(id)',
      'app_users(E-mail,id)',
    ]);
  });
});

describe('keeping a suggestion', () => {
  const candidate = (columns: string[], costAfter: number | null) => ({ schema: '"public"', table: 'orders', columns, costAfter });

  it('keeps the cheapest candidate when it cuts the cost by at least 30 %', () => {
    const chosen = chooseCandidate(1000, [candidate(['status'], 400), candidate(['user_id'], 900), candidate(['amount_cents'], null)]);
    expect(chosen).toMatchObject({ columns: ['status'], costAfter: 400, improvementPct: 60 });
  });

  it('keeps nothing when the best gain is under 30 %', () => {
    expect(chooseCandidate(1000, [candidate(['status'], 701)])).toBeNull();
    expect(chooseCandidate(1000, [candidate(['status'], 700)])).toMatchObject({ improvementPct: 30 });
    expect(chooseCandidate(1000, [candidate(['status'], null)])).toBeNull();
  });

  it('prefers a one-column index unless the pair is at least 10 % cheaper', () => {
    expect(chooseCandidate(1000, [candidate(['status'], 100), candidate(['status', 'user_id'], 95)])).toMatchObject({ columns: ['status'] });
    expect(chooseCandidate(1000, [candidate(['status'], 100), candidate(['status', 'user_id'], 80)])).toMatchObject({ columns: ['status', 'user_id'] });
  });

  it('rounds the improvement to a tenth of a percent', () => {
    expect(improvementPct(1093, 150.94)).toBe(86.2);
    expect(improvementPct(0, 0)).toBe(0);
  });
});

describe('the copyable CREATE INDEX', () => {
  it('names the index after the table and columns, without anything that needs quoting, within 63 bytes', () => {
    expect(suggestedIndexName('orders', ['status', 'user_id'])).toBe('orders_status_user_id_idx');
    expect(suggestedIndexName('Order Lines', ['E-mail'])).toBe('order_lines_e_mail_idx');
    expect(suggestedIndexName('2fa', ['code'])).toBe('idx_2fa_code_idx');
    const long = suggestedIndexName('a'.repeat(80), ['b']);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('_idx')).toBe(true);
  });

  it('writes the statements with the names Postgres quoted', () => {
    const target = { schema: 'tenant_7', table: '"Order Lines"', columns: ['status', '"E-mail"'] };
    expect(hypotheticalIndexSql(target)).toBe('create index on tenant_7."Order Lines" (status, "E-mail")');
    expect(createIndexConcurrentlySql('order_lines_status_e_mail_idx', target)).toBe(
      'CREATE INDEX CONCURRENTLY order_lines_status_e_mail_idx ON tenant_7."Order Lines" (status, "E-mail");',
    );
  });
});
