import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as indexAdviceRoute } from '@/app/api/shards/[shardId]/index-advice/route';
import { POST as statementsResetRoute } from '@/app/api/shards/[shardId]/statements/reset/route';
import { POST as suggestIndexRoute } from '@/app/api/queries/suggest-index/route';
import { getFleet } from '@/lib/fleet/topology';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import type { IndexAdvice, IndexSuggestion, StatementsResetResult } from '@/lib/statements/statements-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { eventually, nodePort, sandbox, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * Index advice, the HypoPG suggestion and the statements reset through the
 * real route handlers, on shard 1 of the integration sandbox. The tables and
 * indexes are the test's own (a per-run suffix) and dropped afterwards.
 */

type Role = 'viewer' | 'operator' | 'admin';
type ErrorBody = { error?: { code: string; message: string; field?: string } };

function request(path: string, role: Role, body?: unknown): NextRequest {
  const headers: Record<string, string> = { host: CONSOLE_HOST, cookie: sessionCookie(role) };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers.origin = `http://${CONSOLE_HOST}`;
  }
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const shardParams = (shardId: string) => ({ params: Promise.resolve({ shardId }) });

async function advice(shardId: string, role: Role = 'viewer'): Promise<{ status: number; body: IndexAdvice & ErrorBody }> {
  const response = await indexAdviceRoute(request(`/api/shards/${shardId}/index-advice`, role), shardParams(shardId));
  return { status: response.status, body: await response.json() };
}

async function suggest(body: unknown, role: Role = 'operator'): Promise<{ status: number; body: IndexSuggestion & ErrorBody }> {
  const response = await suggestIndexRoute(request('/api/queries/suggest-index', role, body), { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

async function reset(shardId: string, nodeId: string, role: Role = 'admin'): Promise<{ status: number; body: StatementsResetResult & ErrorBody }> {
  const response = await statementsResetRoute(request(`/api/shards/${shardId}/statements/reset`, role, { nodeId }), shardParams(shardId));
  return { status: response.status, body: await response.json() };
}

const SUFFIX = Date.now().toString(36);
const ADVICE_TABLE = `it_advice_${SUFFIX}`;
const STALE_TABLE = `it_stale_${SUFFIX}`;
const HYPO_TABLE = `it_hypo_${SUFFIX}`;
/** The slow statement: a filter on an unindexed column of a 50,000-row table. */
const HYPO_STATEMENT = `select id, v from ${HYPO_TABLE} where k = $1`;
const PRIMARY_PORT = nodePort(1, 'primary');
const REPLICA_PORT = nodePort(1, 'replica');

const onPrimary = <T>(sql: string, values: unknown[] = []) => withSuperuser(PRIMARY_PORT, (client) => client.query<T & object>(sql, values));
const onReplica = <T>(sql: string, values: unknown[] = []) => withSuperuser(REPLICA_PORT, (client) => client.query<T & object>(sql, values));

/** A backend publishes its statistics when it goes idle, at most once a second, and when it exits. */
const statsPublished = () => new Promise((resolve) => setTimeout(resolve, 1200));

/** The replica has replayed up to the primary's current WAL position. */
async function replicaCaughtUp(): Promise<void> {
  const { rows } = await onPrimary<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  await eventually(
    async () => (await onReplica<{ behind: boolean }>('select pg_last_wal_replay_lsn() < $1::pg_lsn as behind', [rows[0].lsn])).rows[0].behind,
    (behind) => !behind,
  );
}

describe('index advice, HypoPG suggestion and statements reset', () => {
  let statementHash: string;

  beforeAll(async () => {
    await withSuperuser(PRIMARY_PORT, async (client) => {
      // Unused, duplicate, redundant, invalid, and one used only on the replica.
      await client.query(`create table ${ADVICE_TABLE} (id int primary key, a int, b int, c int)`);
      await client.query(`insert into ${ADVICE_TABLE} select g, g % 10, g % 7, g from generate_series(1, 1000) g`);
      await client.query(`create index ${ADVICE_TABLE}_b_idx on ${ADVICE_TABLE} (b)`);
      await client.query(`create index ${ADVICE_TABLE}_a_idx on ${ADVICE_TABLE} (a)`);
      await client.query(`create index ${ADVICE_TABLE}_a_copy_idx on ${ADVICE_TABLE} (a)`);
      await client.query(`create index ${ADVICE_TABLE}_a_c_idx on ${ADVICE_TABLE} (a, c)`);
      await client.query(`create index ${ADVICE_TABLE}_replica_idx on ${ADVICE_TABLE} (c)`);
      // b repeats: the unique build fails and leaves an invalid index behind, as a cancelled CONCURRENTLY build does.
      await client.query(`create unique index concurrently ${ADVICE_TABLE}_b_uidx on ${ADVICE_TABLE} (b)`).catch(() => {});
      // Autovacuum off: the dead rows stay and the table stays never analyzed.
      await client.query(`create table ${STALE_TABLE} (id int, v int) with (autovacuum_enabled = false)`);
      await client.query(`insert into ${STALE_TABLE} select g, g from generate_series(1, 20000) g`);
      await client.query(`delete from ${STALE_TABLE} where id > 5000`);
      await client.query(`create table ${HYPO_TABLE} (id bigint, k int, v text)`);
      await client.query(`insert into ${HYPO_TABLE} select g, g % 1000, md5(g::text) from generate_series(1, 50000) g`);
      await client.query(`analyze ${HYPO_TABLE}`);
      // 25 × 50,000 rows read by seq scans: past the seq-scan-heavy threshold of 1,000,000.
      for (let run = 0; run < 25; run += 1) await client.query(HYPO_STATEMENT, [run]);
    });
    await replicaCaughtUp();
    await withSuperuser(REPLICA_PORT, async (client) => {
      await client.query('set enable_seqscan = off');
      await client.query('set enable_bitmapscan = off');
      await client.query(`select * from ${ADVICE_TABLE} where c = 5`);
    });
    await statsPublished();

    // The worker's statement snapshot stores the text under its hash, as it would on schedule.
    const shard = getFleet().shards[0];
    await snapshotStatements(shard, new Date(Date.now() - 13 * 60_000));
    const { rows } = await withControl((client) => client.query<{ statement_hash: string }>('select statement_hash from statement_texts where query = $1', [HYPO_STATEMENT]));
    expect(rows).toHaveLength(1);
    statementHash = rows[0].statement_hash;
  });

  afterAll(async () => {
    await onPrimary(`drop table if exists ${ADVICE_TABLE}, ${STALE_TABLE}, ${HYPO_TABLE}`);
  });

  describe('index advice', () => {
    it('lists an unused index with its size, never the primary key, and not one only the replica scans', async () => {
      const { status, body } = await advice('shard-1');
      expect(status).toBe(200);
      expect(body).toMatchObject({ shardId: 'shard-1', nodeId: 'shard-1-primary', replicasNotChecked: [] });
      expect(body.statsResetAt === null || !Number.isNaN(Date.parse(body.statsResetAt))).toBe(true);
      const unused = body.unused.find((entry) => entry.index === `public.${ADVICE_TABLE}_b_idx`);
      expect(unused).toMatchObject({ table: `public.${ADVICE_TABLE}`, definition: expect.stringContaining('(b)') });
      expect(unused!.indexBytes).toBeGreaterThan(0);
      const unusedNames = body.unused.map((entry) => entry.index);
      expect(unusedNames).not.toContain(`public.${ADVICE_TABLE}_pkey`);
      expect(unusedNames).not.toContain(`public.${ADVICE_TABLE}_replica_idx`);
      expect(unusedNames).not.toContain(`public.${ADVICE_TABLE}_b_uidx`);
    });

    it('groups a duplicate index with its twin and calls a leading prefix redundant', async () => {
      const { body } = await advice('shard-1');
      expect(body.duplicate.filter((group) => group.table === `public.${ADVICE_TABLE}`)).toEqual([
        { table: `public.${ADVICE_TABLE}`, indexes: [`public.${ADVICE_TABLE}_a_copy_idx`, `public.${ADVICE_TABLE}_a_idx`], indexBytes: expect.any(Number), definition: expect.stringContaining('(a)') },
      ]);
      expect(body.redundant.filter((entry) => entry.table === `public.${ADVICE_TABLE}`)).toEqual([
        expect.objectContaining({ index: `public.${ADVICE_TABLE}_a_copy_idx`, coveredBy: `public.${ADVICE_TABLE}_a_c_idx` }),
      ]);
    });

    it('reports the invalid index, dead tuples, a never-analyzed table and a seq-scan-heavy one', async () => {
      const { body } = await advice('shard-1');
      expect(body.invalid).toContainEqual({ index: `public.${ADVICE_TABLE}_b_uidx`, table: `public.${ADVICE_TABLE}`, definition: expect.stringContaining('UNIQUE'), buildInProgress: false });
      expect(body.deadTuples).toContainEqual(expect.objectContaining({ table: `public.${STALE_TABLE}`, deadTuples: 15000, liveTuples: 5000, deadPct: 75 }));
      expect(body.neverAnalyzed).toContainEqual({ table: `public.${STALE_TABLE}`, liveTuples: 5000 });
      const heavy = body.seqScanHeavy.find((entry) => entry.table === `public.${HYPO_TABLE}`);
      expect(heavy).toMatchObject({ seqTupRead: 25 * 50_000, idxScans: 0 });
      expect(heavy!.tableBytes).toBeGreaterThan(1024 * 1024);
      expect(body.rules?.seqScanHeavy).toMatch(/1,000,000/);
    });

    it('answers 404 for an unknown shard and a fast 503 naming the primary when it hangs', async () => {
      const unknown = await advice('shard-9');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error?.field).toBe('shardId');

      sandbox('pause-node', 'shard-2-primary');
      try {
        const started = Date.now();
        const paused = await advice('shard-2');
        expect(paused.status).toBe(503);
        expect(paused.body.error?.message).toMatch(/shard-2-primary/);
        // Node timeout 1.5 s (connect or query), nothing after the first statement.
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        sandbox('resume-node', 'shard-2-primary');
      }
    });
  });

  describe('HypoPG index suggestion', () => {
    it('suggests an index on the filtered column with a lower cost, on the primary and on the replica', async () => {
      for (const nodeId of ['shard-1-primary', 'shard-1-replica-1']) {
        const { status, body } = await suggest({ nodeId, statementHash, params: ['42'] });
        expect(status, JSON.stringify(body)).toBe(200);
        expect(body).toMatchObject({ statementHash, nodeId, hypopgAvailable: true, note: null });
        expect(body.suggestion).toMatchObject({ table: `public.${HYPO_TABLE}`, columns: ['k'] });
        expect(body.suggestion!.costAfter).toBeLessThan(body.costBefore! * 0.7);
        expect(body.suggestion!.improvementPct).toBeGreaterThanOrEqual(30);
        expect(body.suggestion!.createIndexSql).toBe(`CREATE INDEX CONCURRENTLY ${HYPO_TABLE}_k_idx ON public.${HYPO_TABLE} (k);`);
        expect(body.tried).toContainEqual({ table: `public.${HYPO_TABLE}`, columns: ['k'], costAfter: body.suggestion!.costAfter });
      }
      // Hypothetical only: the console created nothing.
      const { rows } = await onPrimary<{ indexes: number }>('select count(*)::int as indexes from pg_indexes where tablename = $1', [HYPO_TABLE]);
      expect(rows[0].indexes).toBe(0);
    });

    it('says so, with a note, where the hypopg extension is missing', async () => {
      await onPrimary('drop extension hypopg');
      try {
        await replicaCaughtUp();
        const { status, body } = await suggest({ nodeId: 'shard-1-replica-1', statementHash, params: ['42'] });
        expect(status).toBe(200);
        expect(body).toMatchObject({ hypopgAvailable: false, suggestion: null, tried: [{ table: `public.${HYPO_TABLE}`, columns: ['k'], costAfter: null }] });
        expect(body.costBefore).toBeGreaterThan(0);
        expect(body.note).toMatch(/create extension if not exists hypopg/);
      } finally {
        await onPrimary('create extension if not exists hypopg');
        await replicaCaughtUp();
      }
    });

    it('suggests nothing once the real index exists', async () => {
      await onPrimary(`create index ${HYPO_TABLE}_k_idx on ${HYPO_TABLE} (k)`);
      const { status, body } = await suggest({ nodeId: 'shard-1-primary', statementHash, params: ['42'] });
      expect(status).toBe(200);
      expect(body).toMatchObject({ hypopgAvailable: true, suggestion: null, tried: [] });
      expect(body.note).toMatch(/no index to try/);
    });

    it('refuses a viewer, and names the field for an unknown node, an unknown statement or a wrong parameter count', async () => {
      expect((await suggest({ nodeId: 'shard-1-primary', statementHash, params: ['42'] }, 'viewer')).status).toBe(403);
      const unknownNode = await suggest({ nodeId: 'shard-9-primary', statementHash, params: ['42'] });
      expect([unknownNode.status, unknownNode.body.error?.field]).toEqual([404, 'nodeId']);
      const unknownHash = await suggest({ nodeId: 'shard-1-primary', statementHash: '0'.repeat(32), params: [] });
      expect([unknownHash.status, unknownHash.body.error?.field]).toEqual([404, 'statementHash']);
      const notAHash = await suggest({ nodeId: 'shard-1-primary', statementHash: 'drop table x', params: [] });
      expect([notAHash.status, notAHash.body.error?.field]).toEqual([400, 'statementHash']);
      const wrongCount = await suggest({ nodeId: 'shard-1-primary', statementHash, params: [] });
      expect([wrongCount.status, wrongCount.body.error?.field]).toEqual([400, 'params']);
      const badValue = await suggest({ nodeId: 'shard-1-primary', statementHash, params: ['not a number'] });
      expect([badValue.status, badValue.body.error?.field]).toEqual([400, 'params']);
      // The table exists on shard 1 only.
      const elsewhere = await suggest({ nodeId: 'shard-2-primary', statementHash, params: ['42'] });
      expect([elsewhere.status, elsewhere.body.error?.field]).toEqual([400, 'statementHash']);
      expect(elsewhere.body.error?.message).toMatch(/shard-2-primary could not plan the statement: relation .* does not exist/);
    });
  });

  describe('statements reset', () => {
    const hypoStatementCalls = (port: number) =>
      withSuperuser(port, async (client) => {
        const { rows } = await client.query<{ calls: number }>('select coalesce(sum(calls), 0)::int as calls from pg_stat_statements where query = $1', [HYPO_STATEMENT]);
        return rows[0].calls;
      });

    async function lastResetAudit(target: string) {
      const { rows } = await withControl((client) =>
        client.query(`select actor, actor_role, result, detail from audit_log where action = 'statements.reset' and target = $1 order by id desc limit 1`, [target]),
      );
      return rows[0];
    }

    it('refuses a viewer and an operator', async () => {
      expect((await reset('shard-1', 'shard-1-primary', 'viewer')).status).toBe(403);
      expect((await reset('shard-1', 'shard-1-primary', 'operator')).status).toBe(403);
      expect(await hypoStatementCalls(PRIMARY_PORT)).toBeGreaterThan(0);
    });

    it('names nodeId for a node not in the fleet (404) or of another shard (400)', async () => {
      const unknown = await reset('shard-1', 'shard-9-primary');
      expect([unknown.status, unknown.body.error?.field]).toEqual([404, 'nodeId']);
      const elsewhere = await reset('shard-1', 'shard-2-primary');
      expect([elsewhere.status, elsewhere.body.error?.field]).toEqual([400, 'nodeId']);
      expect(elsewhere.body.error?.message).toMatch(/shard-2/);
    });

    it('empties pg_stat_statements on the primary for an admin, and audits it', async () => {
      const before = Date.now();
      const { status, body } = await reset('shard-1', 'shard-1-primary');
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ shardId: 'shard-1', nodeId: 'shard-1-primary' });
      expect(Date.parse(body.resetAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(await hypoStatementCalls(PRIMARY_PORT)).toBe(0);
      expect(await lastResetAudit('shard-1/shard-1-primary')).toMatchObject({ actor: 'it-admin', actor_role: 'admin', result: 'ok' });
    });

    it('resets a replica through its monitoring role once that role may call the function', async () => {
      const granted = async () =>
        (
          await onPrimary<{ granted: boolean }>(
            `select has_function_privilege('shardscope_monitor', 'pg_stat_statements_reset(oid, oid, bigint)', 'execute') as granted`,
          )
        ).rows[0].granted;
      await onReplica(HYPO_STATEMENT, ['1']);
      // The sandbox grants it (scripts/sandbox/roles.sh); a hosted fleet may not have.
      const grantedBySandbox = await granted();
      expect(grantedBySandbox).toBe(true);
      // Without the grant: refused with the statement that fixes it, and audited as failed.
      await onPrimary('revoke execute on function pg_stat_statements_reset(oid, oid, bigint) from shardscope_monitor');
      await replicaCaughtUp();
      const refused = await reset('shard-1', 'shard-1-replica-1');
      expect(refused.status).toBe(403);
      expect(refused.body.error?.message).toMatch(/GRANT EXECUTE ON FUNCTION pg_stat_statements_reset\(oid, oid, bigint\) TO shardscope_monitor/);
      expect(await lastResetAudit('shard-1/shard-1-replica-1')).toMatchObject({ result: 'failed' });
      await onPrimary('grant execute on function pg_stat_statements_reset(oid, oid, bigint) to shardscope_monitor');
      await replicaCaughtUp();
      try {
        await statsPublished();
        expect(await hypoStatementCalls(REPLICA_PORT)).toBeGreaterThan(0);
        const { status, body } = await reset('shard-1', 'shard-1-replica-1');
        expect(status, JSON.stringify(body)).toBe(200);
        expect(await hypoStatementCalls(REPLICA_PORT)).toBe(0);
        expect(await lastResetAudit('shard-1/shard-1-replica-1')).toMatchObject({ actor: 'it-admin', result: 'ok', detail: { connection: 'monitoring' } });
      } finally {
        await onPrimary('grant execute on function pg_stat_statements_reset(oid, oid, bigint) to shardscope_monitor');
      }
    });
  });
});
