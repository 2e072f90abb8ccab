import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_HEADER, auditCsvCapLine, auditCsvLine, csvField } from '@/lib/audit/audit-csv';
import type { AuditRow } from '@/lib/auth/audit';

const row: AuditRow = {
  id: '42',
  at: '2026-12-01T09:00:00.000Z',
  actor: 'alice',
  actorRole: 'admin',
  action: 'tier.update',
  target: 'tier free',
  result: 'ok',
  detail: { before: { maxUsers: 5 }, after: { maxUsers: 6 } },
};

describe('audit CSV', () => {
  it('writes the header and a row with CRLF line ends, the detail as JSON text', () => {
    expect(AUDIT_CSV_HEADER).toBe('id,at,actor,actor_role,action,target,result,detail\r\n');
    expect(auditCsvLine(row)).toBe(
      '42,2026-12-01T09:00:00.000Z,alice,admin,tier.update,tier free,ok,"{""before"":{""maxUsers"":5},""after"":{""maxUsers"":6}}"\r\n',
    );
  });

  it('quotes a field holding a comma, a quote or a line break, and doubles its quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('plain text')).toBe('plain text');
  });

  it('writes a missing target as an empty field', () => {
    expect(auditCsvLine({ ...row, target: null })).toContain(',tier.update,,ok,');
  });

  it('prefixes an apostrophe to a field a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvField(`${start}cmd`)).toBe(`'${start}cmd`);
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=HYPERLINK("http://evil.test")')).toBe(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('a=1')).toBe('a=1');
  });

  it('ends a capped export with one field naming the cursor to continue from', () => {
    expect(auditCsvCapLine(100_000, '123')).toBe(
      '# stopped at 100000 rows: older rows match too; export again with after=123 (or a narrower from/to) for the rest\r\n',
    );
  });
});
