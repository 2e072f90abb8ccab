import { describe, expect, it } from 'vitest';
import { countParameters, parseStatementText, StatementTextError, tokenizeStatement } from '@/lib/statements/statement-text';

function problemOf(text: string): string | null {
  try {
    parseStatementText(text);
    return null;
  } catch (error) {
    if (error instanceof StatementTextError) return error.problem;
    throw error;
  }
}

const writes = (text: string) => parseStatementText(text).writes;

describe('one statement only', () => {
  it('accepts one statement, with or without a trailing semicolon and comments', () => {
    expect(parseStatementText('select 1').statement).toBe('select 1');
    expect(parseStatementText('select 1;').statement).toBe('select 1');
    expect(parseStatementText('select 1 ;;  -- done\n /* really */ ').statement).toBe('select 1');
    expect(parseStatementText('-- leading comment\nselect 1 -- trailing').statement).toBe('-- leading comment\nselect 1 -- trailing');
  });

  it('refuses a second command after a semicolon', () => {
    expect(problemOf('select 1; select 2')).toBe('multiple_statements');
    expect(problemOf('select 1; delete from orders')).toBe('multiple_statements');
    expect(problemOf('select 1;\n-- comment\ndelete from orders;')).toBe('multiple_statements');
  });

  it('does not split on semicolons inside strings, quoted identifiers, dollar quotes or comments', () => {
    for (const text of [
      "select 'a;b' as x",
      "select 'it''s; fine'",
      "select E'back\\'slash; still a string'",
      'select 1 as "semi;colon"',
      'select "with "" quote;" from t',
      'select $$;$$',
      'select $body$ ; delete from orders; $body$',
      'select $a$ $b$ ; $b$ $a$',
      'select 1 -- ; delete from orders',
      'select 1 /* ; /* nested ; */ still ; */',
      "select U&'d\\0061t;a'",
    ]) {
      expect(problemOf(text), text).toBeNull();
    }
  });

  it('refuses an empty text and unterminated quotes or comments', () => {
    expect(problemOf('')).toBe('empty');
    expect(problemOf('  ;  -- nothing')).toBe('empty');
    expect(problemOf("select 'open")).toBe('unterminated');
    expect(problemOf('select "open')).toBe('unterminated');
    expect(problemOf('select $x$ open')).toBe('unterminated');
    expect(problemOf('select 1 /* open /* nested */')).toBe('unterminated');
    // An E'' string's \' does not close it: the semicolon after is still inside.
    expect(problemOf("select E'\\'; delete from orders")).toBe('unterminated');
  });

  it('treats a standard string\'s backslash as a plain character (standard_conforming_strings)', () => {
    expect(problemOf("select 'C:\\'; select 2")).toBe('multiple_statements');
  });
});

describe('parameters', () => {
  it('counts the highest $n outside strings and comments', () => {
    expect(parseStatementText('select * from orders where tenant_id = $1 and status = $2 limit $3').parameterCount).toBe(3);
    expect(parseStatementText('select $2::int, $1::int, $2::int').parameterCount).toBe(2);
    expect(parseStatementText("select '$5', $$ $6 $$, \"$7\" -- $8\n, $1").parameterCount).toBe(1);
    expect(parseStatementText('select 1').parameterCount).toBe(0);
  });

  it('counts a gap as Postgres does: $1 and $3 take three values', () => {
    expect(parseStatementText('select $1::int, $3::int').parameterCount).toBe(3);
  });

  it('does not take a dollar inside an identifier for a parameter or a quote', () => {
    expect(parseStatementText('select price$1 from t').parameterCount).toBe(0);
    expect(tokenizeStatement('select a$$b').map((token) => token.kind)).toEqual(['word', 'word']);
  });

  it('counts parameters of text that does not lex as 0 rather than failing', () => {
    expect(countParameters("select $1, 'open")).toBe(0);
    expect(countParameters('select $1, $2')).toBe(2);
  });
});

describe('statements that would write', () => {
  it('passes queries that only read', () => {
    for (const text of [
      'select * from orders where tenant_id = $1',
      '(select 1) union (select 2)',
      'values (1), (2)',
      'table orders',
      'with recent as (select * from orders order by created_at desc limit 10) select * from recent',
      "select 'update orders set x = 1' as text, \"delete\" from t",
      'select o.update, 1 as delete from orders o',
      'select updated_at, inserted_by from orders',
      'select * from orders for_update',
    ]) {
      expect(writes(text), text).toBeNull();
    }
  });

  it('names DML, DDL and utility commands', () => {
    expect(writes("update orders set status = 'x'")).toBe('UPDATE');
    expect(writes('insert into orders values (1)')).toBe('INSERT');
    expect(writes('delete from orders')).toBe('DELETE');
    expect(writes('merge into orders using src on true when matched then delete')).toBe('MERGE');
    expect(writes('create table t as select 1')).toBe('CREATE');
    expect(writes('drop table orders')).toBe('DROP');
    expect(writes('truncate orders')).toBe('TRUNCATE');
    expect(writes('call do_things()')).toBe('CALL');
    expect(writes('copy orders to stdout')).toBe('COPY');
    expect(writes('execute some_plan')).toBe('EXECUTE');
    expect(writes('  /* hi */ Update orders set x = 1')).toBe('UPDATE');
  });

  it('finds data-modifying statements inside WITH', () => {
    expect(writes('with moved as (delete from orders where tenant_id = $1 returning *) select count(*) from moved')).toBe('WITH … DELETE');
    expect(writes('with a as (select 1), b as (update orders set status = $1 returning id) select * from b')).toBe('WITH … UPDATE');
    expect(writes('with x as not materialized (insert into orders default values returning id) select 1')).toBe('WITH … INSERT');
    expect(writes('with x as (select 1) merge into t using x on true when matched then do nothing')).toBe('WITH … MERGE');
  });

  it('finds row locks and SELECT INTO', () => {
    expect(writes('select * from orders where id = $1 for update')).toBe('SELECT … FOR UPDATE');
    expect(writes('select * from orders for no key update skip locked')).toBe('SELECT … FOR NO KEY UPDATE');
    expect(writes('select * from orders for share')).toBe('SELECT … FOR SHARE');
    expect(writes('select * from orders for key share of orders')).toBe('SELECT … FOR KEY SHARE');
    expect(writes('select * from (select * from orders for update) locked')).toBe('SELECT … FOR UPDATE');
    expect(writes('select * into orders_copy from orders')).toBe('SELECT INTO');
  });

  it('finds sequence functions, also schema-qualified', () => {
    expect(writes("select nextval('orders_id_seq')")).toBe('nextval()');
    expect(writes("select pg_catalog.setval('orders_id_seq', 1)")).toBe('setval()');
  });

  it('treats anything that does not start with a query keyword as writing', () => {
    expect(writes("'just a string'")).toBe('not a query');
    expect(writes('explain select 1')).toBe('EXPLAIN');
  });
});
