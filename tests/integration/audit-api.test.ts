import { NextRequest } from 'next/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { AUDIT_EXPORT_CAP_HEADER, AUDIT_EXPORT_MAX_ROWS } from '@/lib/audit/audit-export';
import type { AuditPage } from '@/lib/audit/audit-log';
import type { Role } from '@/lib/auth/roles';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { ownControlDb, withDatabase } from './own-control-db';

/**
 * GET /api/audit through the real route handler on a control database of
 * this file's own (so every row in it is one the file wrote): each filter,
 * keyset pages, the CSV export, refusals, and the table's append-only rule as
 * the connection the console itself uses.
 */

const controlDb = ownControlDb('it_audit_api');
const { fleet, withControl } = controlDb;

const noParams = { params: Promise.resolve({}) };

function request(search: string, role: Role = 'admin'): NextRequest {
  return new NextRequest(`http://${CONSOLE_HOST}/api/audit${search}`, { headers: { host: CONSOLE_HOST, cookie: sessionCookie(role) } });
}

async function getPage(search: string): Promise<AuditPage> {
  const response = await auditRoute(request(search), noParams);
  expect(response.status).toBe(200);
  return (await response.json()) as AuditPage;
}

async function refusal(search: string, role: Role = 'admin') {
  const response = await auditRoute(request(search, role), noParams);
  return { status: response.status, field: ((await response.json()) as { error: { field?: string } }).error.field };
}

/** Every page of a filter, following nextAfter; the ids in the order served. */
async function allPages(filter: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const search = new URLSearchParams(filter);
    search.set('limit', String(limit));
    if (after) search.set('after', after);
    const page = await getPage(`?${search}`);
    ids.push(...page.entries.map((entry) => entry.id));
    after = page.nextAfter;
    pages += 1;
  } while (after !== null);
  return { ids, pages };
}

/** One field and what ends it; a quoted field may hold commas, doubled quotes and line breaks. */
const CSV_FIELD = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r\n)/y;

/** RFC 4180, strictly: a stray quote or a bare line break is an error, and the file ends with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  CSV_FIELD.lastIndex = 0;
  while (CSV_FIELD.lastIndex < text.length) {
    const at = CSV_FIELD.lastIndex;
    const match = CSV_FIELD.exec(text);
    if (!match) throw new Error(`not CSV at character ${at}: ${JSON.stringify(text.slice(at, at + 40))}`);
    record.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]);
    if (match[3] === '\r\n') {
      records.push(record);
      record = [];
    }
  }
  expect(record, 'the file ends with a line break').toEqual([]);
  return records;
}

async function exportCsv(search: string) {
  const response = await auditRoute(request(`?${search}&format=csv`), noParams);
  expect(response.status).toBe(200);
  return { response, records: parseCsv(await response.text()) };
}

const BASE = Date.parse('2026-11-30T08:00:00Z');
const minute = (n: number) => new Date(BASE + n * 60_000).toISOString();

interface SeedRow {
  actor: string;
  action: string;
  target: string | null;
  result: 'ok' | 'refused' | 'failed';
  detail?: Record<string, unknown>;
}

/** Seeded one minute apart from BASE, in this order (so ids and times rise together). */
const SEED: SeedRow[] = [
  { actor: 'alice', action: 'auth.login', target: null, result: 'ok' },
  { actor: 'bob', action: 'auth.login', target: null, result: 'refused', detail: { reason: 'wrong user name or password' } },
  { actor: 'alice', action: 'tier.update', target: 'tier free', result: 'ok', detail: { before: { maxUsers: 5 }, after: { maxUsers: 6 } } },
  { actor: 'carol', action: 'alert_rule.update', target: 'alert_rule:7', result: 'ok' },
  // Would match 'alert_rule.' if the prefix were a LIKE pattern ('_' matches any character).
  { actor: 'carol', action: 'alertXrule.update', target: 'alert_rule:8', result: 'ok' },
  { actor: 'bob', action: 'authz.grant', target: 'Tenant ACME-42', result: 'failed' },
  { actor: 'alice', action: 'tenant.update', target: 'tenant acme-7', result: 'ok' },
  { actor: 'alice', action: 'backend.cancel', target: '100% of shard_1', result: 'refused' },
  { actor: 'carol', action: 'auth.logout', target: null, result: 'ok' },
  { actor: 'bob', action: 'move.start', target: 'tenant 42', result: 'ok' },
  // Spreadsheet formula in the actor, a comma, quotes and a line break in the target.
  { actor: '=HYPERLINK("http://evil.test","x")', action: 'request.refused', target: 'POST /api/x, "quoted"\nnext line', result: 'refused' },
  { actor: 'alice', action: 'auth.login', target: null, result: 'ok', detail: { note: '+1 "quoted", \u00e9' } },
];

async function seed(): Promise<string[]> {
  return withControl(async (client) => {
    const ids: string[] = [];
    for (const [index, row] of SEED.entries()) {
      const { rows } = await client.query(
        `insert into audit_log (at, actor, actor_role, action, target, result, detail)
         values ($1, $2, 'admin', $3, $4, $5, $6) returning id::text`,
        [minute(index), row.actor, row.action, row.target, row.result, JSON.stringify(row.detail ?? {})],
      );
      ids.push(rows[0].id);
    }
    return ids;
  });
}

let seededIds: string[] = [];
/** Seeded ids matching a predicate, newest first (the API's order). */
const expected = (match: (row: SeedRow, index: number) => boolean) =>
  seededIds.filter((_, index) => match(SEED[index], index)).reverse();

describe('audit API', () => {
  beforeAll(async () => {
    await controlDb.create();
    seededIds = await seed();
  });

  afterAll(async () => {
    await controlDb.drop();
  });

  it('pages the whole log newest first by keyset, without gaps or duplicates, while rows are added', async () => {
    const { rows } = await withControl((client) => client.query('select id::text as id from audit_log order by audit_log.id desc'));
    const all: string[] = rows.map((row) => row.id);

    const first = await getPage('?limit=5');
    expect(first.entries.map((entry) => entry.id)).toEqual(all.slice(0, 5));
    expect(first.nextAfter).toBe(all[4]);
    // A row written between pages is newer than the cursor: later pages neither shift nor repeat.
    await withControl((client) => client.query(`insert into audit_log (actor, actor_role, action, result) values ('dave', 'admin', 'late.row', 'ok')`));
    let after = first.nextAfter;
    const rest: string[] = [];
    while (after !== null) {
      const page = await getPage(`?limit=5&after=${after}`);
      expect(page.entries.length).toBeGreaterThan(0);
      rest.push(...page.entries.map((entry) => entry.id));
      after = page.nextAfter;
    }
    expect(rest).toEqual(all.slice(5));
  });

  it('keeps the fields of each row', async () => {
    const { entries } = await getPage(`?actor=alice&action=tier.`);
    expect(entries).toEqual([
      {
        id: seededIds[2],
        at: minute(2),
        actor: 'alice',
        actorRole: 'admin',
        action: 'tier.update',
        target: 'tier free',
        result: 'ok',
        detail: { before: { maxUsers: 5 }, after: { maxUsers: 6 } },
      },
    ]);
  });

  it('filters by exact actor', async () => {
    expect((await allPages('actor=alice', 2)).ids).toEqual(expected((row) => row.actor === 'alice'));
    expect((await getPage('?actor=ali')).entries).toEqual([]);
  });

  it('filters by action prefix, with no wildcard in it', async () => {
    expect((await getPage('?action=auth.')).entries.map((entry) => entry.id)).toEqual(expected((row) => row.action.startsWith('auth.')));
    expect((await getPage('?action=alert_rule.')).entries.map((entry) => entry.id)).toEqual([seededIds[3]]);
    expect((await getPage('?action=auth')).entries.map((entry) => entry.id)).toEqual(expected((row) => row.action.startsWith('auth')));
  });

  it('filters by a piece of the target in any case, % and _ taken literally', async () => {
    expect((await getPage('?target=ACME')).entries.map((entry) => entry.id)).toEqual([seededIds[6], seededIds[5]]);
    expect((await getPage('?target=%25')).entries.map((entry) => entry.id)).toEqual([seededIds[7]]);
    expect((await getPage('?target=d_1')).entries.map((entry) => entry.id)).toEqual([seededIds[7]]);
  });

  it('filters by result', async () => {
    for (const result of ['refused', 'failed'] as const) {
      expect((await getPage(`?result=${result}`)).entries.map((entry) => entry.id)).toEqual(expected((row) => row.result === result));
    }
  });

  it('filters by time, from inclusive and to exclusive, with any zone offset', async () => {
    const { ids } = await allPages(`from=${minute(3)}&to=${minute(6)}`, 2);
    expect(ids).toEqual([seededIds[5], seededIds[4], seededIds[3]]);
    const offset = encodeURIComponent('2026-11-30T09:03:00+01:00');
    expect((await getPage(`?from=${offset}&to=${encodeURIComponent(minute(4))}`)).entries.map((entry) => entry.id)).toEqual([seededIds[3]]);
  });

  it('combines filters', async () => {
    const { entries } = await getPage('?actor=alice&action=auth.&result=ok&from=2026-11-30T08:00:00Z');
    expect(entries.map((entry) => entry.id)).toEqual([seededIds[11], seededIds[0]]);
  });

  it('exports the whole filter as CSV, every page of it, quoted and safe to open in a spreadsheet', async () => {
    const { response, records } = await exportCsv('actor=alice&after=');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="shardscope-audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv"$/);
    expect(response.headers.get(AUDIT_EXPORT_CAP_HEADER)).toBe(String(AUDIT_EXPORT_MAX_ROWS));
    const [header, ...rows] = records;
    expect(header).toEqual(['id', 'at', 'actor', 'actor_role', 'action', 'target', 'result', 'detail']);
    expect(rows.map((row) => row[0])).toEqual(expected((row) => row.actor === 'alice'));
    const tier = rows.find((row) => row[0] === seededIds[2])!;
    expect(tier).toEqual([seededIds[2], minute(2), 'alice', 'admin', 'tier.update', 'tier free', 'ok', expect.any(String)]);
    expect(JSON.parse(tier[7])).toEqual({ before: { maxUsers: 5 }, after: { maxUsers: 6 } });
    const withNote = rows.find((row) => row[0] === seededIds[11])!;
    expect(JSON.parse(withNote[7])).toEqual({ note: '+1 "quoted", \u00e9' });
    expect(withNote[5]).toBe('');

    const hostile = (await exportCsv('result=refused&action=request.')).records[1];
    expect(hostile[2]).toBe(`'${SEED[10].actor}`);
    expect(hostile[5]).toBe(SEED[10].target);
  });

  it('records who exported what', async () => {
    await exportCsv('target=acme');
    const { entries } = await getPage('?action=audit.export&limit=1');
    expect(entries[0]).toMatchObject({ actor: 'it-admin', result: 'ok', detail: { filter: { target: 'acme' } } });
  });

  it('refuses bad parameters with a 400 naming the field', async () => {
    expect(await refusal('?from=yesterday')).toEqual({ status: 400, field: 'from' });
    expect(await refusal('?to=2026-11-30')).toEqual({ status: 400, field: 'to' });
    expect(await refusal(`?from=${minute(5)}&to=${minute(4)}`)).toEqual({ status: 400, field: 'from' });
    expect(await refusal('?result=maybe')).toEqual({ status: 400, field: 'result' });
    expect(await refusal('?after=abc')).toEqual({ status: 400, field: 'after' });
    expect(await refusal('?after=99999999999999999999')).toEqual({ status: 400, field: 'after' });
    expect(await refusal('?after=9223372036854775808')).toEqual({ status: 400, field: 'after' });
    expect(await refusal('?limit=501')).toEqual({ status: 400, field: 'limit' });
    expect(await refusal('?format=xml')).toEqual({ status: 400, field: 'format' });
    expect(await refusal(`?action=${'a'.repeat(101)}`)).toEqual({ status: 400, field: 'action' });
    expect(await refusal('?target=a%00b')).toEqual({ status: 400, field: 'target' });
    expect(await refusal('?from=0000-01-01T00:00:00Z')).toEqual({ status: 400, field: 'from' });
  });

  it('is for admins only', async () => {
    expect((await auditRoute(request('', 'viewer'), noParams)).status).toBe(403);
    expect((await auditRoute(request('?format=csv', 'operator'), noParams)).status).toBe(403);
  });

  describe('append-only', () => {
    /** The connection the console uses: the fleet file's control URL (the sandbox's superuser, the tables' owner). */
    const asConsole = <T>(work: (client: pg.Client) => Promise<T>) => withDatabase(fleet.control.url, work);
    const sqlState = (promise: Promise<unknown>) => promise.then(() => 'succeeded', (error: pg.DatabaseError) => error.code);

    it('refuses UPDATE, DELETE and TRUNCATE on audit_log, even to the owner and a superuser', async () => {
      await asConsole(async (client) => {
        const { rows } = await client.query('select rolsuper from pg_roles where rolname = current_user');
        expect(rows[0].rolsuper).toBe(true);
        expect(await sqlState(client.query(`update audit_log set actor = 'mallory' where id = $1`, [seededIds[0]]))).toBe('42501');
        expect(await sqlState(client.query('delete from audit_log where id = $1', [seededIds[0]]))).toBe('42501');
        expect(await sqlState(client.query('truncate audit_log'))).toBe('42501');
        // The usual way to skip triggers (a restore, a replication apply) does not skip these.
        await client.query(`set session_replication_role = replica`);
        expect(await sqlState(client.query('delete from audit_log'))).toBe('42501');
      });
      const { rows } = await withControl((client) => client.query('select actor from audit_log where id = $1', [seededIds[0]]));
      expect(rows).toEqual([{ actor: 'alice' }]);
      expect((await getPage('?actor=alice&limit=500')).entries).toHaveLength(SEED.filter((row) => row.actor === 'alice').length);
    });

    it('lets shardscope_console read and append to audit_log only, and change the other control tables', async () => {
      await asConsole(async (client) => {
        await client.query('begin');
        try {
          await client.query('set local role shardscope_console');
          await client.query(`insert into audit_log (actor, actor_role, action, result) values ('console', 'admin', 'role.check', 'ok')`);
          expect((await client.query('select count(*)::int as n from audit_log')).rows[0].n).toBeGreaterThan(0);
          await client.query(`update tier_limits set updated_by = updated_by where tier = 'free'`);
          await client.query('savepoint refused');
          expect(await sqlState(client.query(`update audit_log set actor = actor where false`))).toBe('42501');
          await client.query('rollback to savepoint refused');
          expect(await sqlState(client.query(`delete from audit_log where false`))).toBe('42501');
        } finally {
          await client.query('rollback');
        }
      });
    });
  });

  it(`stops an export at ${AUDIT_EXPORT_MAX_ROWS} rows and says where to continue`, async () => {
    const extra = 37;
    await withControl((client) =>
      client.query(
        `insert into audit_log (actor, actor_role, action, target, result)
         select 'bulk', 'admin', 'bulk.row', 'row ' || n, 'ok' from generate_series(1, $1::int) as n`,
        [AUDIT_EXPORT_MAX_ROWS + extra],
      ),
    );
    // As autovacuum would after such a load: with the stats of a 20-row table the planner sorts every bulk row for each batch.
    await withControl((client) => client.query('analyze audit_log'));
    const { records } = await exportCsv('action=bulk.');
    const rows = records.slice(1, -1);
    expect(rows).toHaveLength(AUDIT_EXPORT_MAX_ROWS);
    expect(new Set(rows.map((row) => row[0])).size).toBe(AUDIT_EXPORT_MAX_ROWS);
    const last = records[records.length - 1];
    expect(last).toHaveLength(1);
    const lastId = rows[rows.length - 1][0];
    expect(last[0]).toContain(`after=${lastId}`);

    const rest = (await exportCsv(`action=bulk.&after=${lastId}`)).records.slice(1);
    expect(rest).toHaveLength(extra);
    expect(rest.every((row) => row.length === 8 && BigInt(row[0]) < BigInt(lastId))).toBe(true);
  });
});
