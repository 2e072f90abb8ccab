import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as explainRoute } from '@/app/api/queries/explain/route';
import type { Role } from '@/lib/auth/roles';
import { getControlPool } from '@/lib/control/db';
import { findNode } from '@/lib/fleet/topology';
import { withReadOnlyNodeSession } from '@/lib/statements/node-session';
import type { ExplainResult, PlanNode } from '@/lib/statements/statements-model';
import { CONSOLE_HOST as HOST, sessionCookie } from './console-requests';
import { eventually, nodePort, sandbox, withSuperuser } from './sandbox';

/**
 * POST /api/queries/explain through the real guard, on the integration
 * sandbox. Fixture rows and side-effect functions are created as the
 * superuser (the operator at a psql prompt); every EXPLAIN runs as the fleet
 * file's monitoring role, in a read-only transaction that rolls back.
 */

const TENANT_ID = randomUUID();
const PRIMARY_PORT = nodePort(1, 'primary');
const PRIMARY = 'shard-1-primary';
const REPLICA = 'shard-1-replica-1';
const ORDERS = 40;

/** SECURITY DEFINER and owned by the superuser: privileges cannot stop them, only the read-only transaction can. */
const CREATE_SIDE_EFFECT_FUNCTIONS = `
  create or replace function explain_it_mark_orders(p_tenant uuid) returns int
  language sql volatile security definer as $$
    update orders set status = 'tampered' where tenant_id = p_tenant returning 1
  $$;
  create or replace function explain_it_log_event(p_tenant uuid) returns int
  language plpgsql volatile security definer as $$
  begin
    insert into events (tenant_id, kind) values (p_tenant, 'explain-it');
    return 1;
  end
  $$`;

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

async function explain(role: Role, body: Record<string, unknown>): Promise<{ status: number; body: ExplainResult & ErrorBody; elapsedMs: number }> {
  const request = new NextRequest(`http://${HOST}/api/queries/explain`, {
    method: 'POST',
    headers: { cookie: sessionCookie(role), origin: `http://${HOST}`, host: HOST, 'content-type': 'application/json' },
    body: JSON.stringify({ params: [], analyze: false, ...body }),
  });
  const started = Date.now();
  const response = await explainRoute(request, { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json(), elapsedMs: Date.now() - started };
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

async function lastAuditId(): Promise<string> {
  const { rows } = await getControlPool().query('select coalesce(max(id), 0)::text as id from audit_log');
  return rows[0].id;
}

async function explainAuditRowsSince(afterId: string) {
  const { rows } = await getControlPool().query(
    `select actor, actor_role, action, target, result, detail from audit_log
     where id > $1 and action = 'statement.explain_analyze'
     order by id`,
    [afterId],
  );
  return rows;
}

async function tenantOrderStatuses(): Promise<string[]> {
  return withSuperuser(PRIMARY_PORT, async (client) => {
    const { rows } = await client.query('select distinct status from orders where tenant_id = $1 order by status', [TENANT_ID]);
    return rows.map((row) => row.status as string);
  });
}

async function tenantEvents(): Promise<number> {
  return withSuperuser(PRIMARY_PORT, async (client) => {
    const { rows } = await client.query('select count(*)::int as n from events where tenant_id = $1', [TENANT_ID]);
    return rows[0].n as number;
  });
}

describe('POST /api/queries/explain', () => {
  beforeAll(async () => {
    await withSuperuser(PRIMARY_PORT, async (client) => {
      await client.query(
        `insert into orders (tenant_id, amount_cents, status)
         select $1, g * 100, case when g % 4 = 0 then 'refunded' else 'open' end from generate_series(1, $2::int) g`,
        [TENANT_ID, ORDERS],
      );
      await client.query(CREATE_SIDE_EFFECT_FUNCTIONS);
    });
    // The plain EXPLAIN and ANALYZE below read the replica, as the page does by default.
    await withSuperuser(nodePort(1, 'replica'), async (replica) =>
      eventually(
        async () => (await replica.query('select count(*)::int as n from orders where tenant_id = $1', [TENANT_ID])).rows[0].n as number,
        (count) => count === ORDERS,
      ),
    );
  });

  afterAll(async () => {
    await withSuperuser(PRIMARY_PORT, async (client) => {
      await client.query('drop function if exists explain_it_mark_orders(uuid), explain_it_log_event(uuid)');
      await client.query('delete from orders where tenant_id = $1', [TENANT_ID]);
      await client.query('delete from events where tenant_id = $1', [TENANT_ID]);
    }).catch(() => {});
  });

  it('explains a statement with parameters on a replica: a plan tree with bound values, no execution figures', async () => {
    const { status, body } = await explain('operator', {
      nodeId: REPLICA,
      statement: 'select * from orders where tenant_id = $1 and status = $2 order by created_at desc limit $3',
      params: [TENANT_ID, 'open', '10'],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ nodeId: REPLICA, shardId: 'shard-1', analyze: false, planningTimeMs: null, executionTimeMs: null });
    const nodes = flatten(body.root);
    expect(body.root.nodeType).toBe('Limit');
    const ordersScan = nodes.find((node) => node.relation === 'orders');
    expect(ordersScan).toBeDefined();
    // The values were bound and typed by Postgres from their context (uuid, text), not pasted into the SQL.
    expect(nodes.flatMap((node) => node.details).join('\n')).toContain(`'${TENANT_ID}'::uuid`);
    expect(nodes.every((node) => node.actualRows === null && node.exclusiveTimeMs === null)).toBe(true);
    expect(nodes.some((node) => node.costly)).toBe(true);
    expect(Array.isArray(body.raw)).toBe(true);
  });

  it('runs EXPLAIN ANALYZE for an admin, with actual rows and buffers, and audits it', async () => {
    const before = await lastAuditId();
    const statement = 'select count(*) from orders where tenant_id = $1 and status = $2';
    const { status, body } = await explain('admin', { nodeId: REPLICA, statement, params: [TENANT_ID, 'refunded'], analyze: true });
    expect(status).toBe(200);
    expect(body.analyze).toBe(true);
    expect(body.executionTimeMs).toBeGreaterThan(0);
    const scan = flatten(body.root).find((node) => node.relation === 'orders')!;
    expect(scan.actualRows).toBe(ORDERS / 4);
    expect(scan.sharedHitBlocks! + scan.sharedReadBlocks!).toBeGreaterThan(0);

    const [row, ...others] = await explainAuditRowsSince(before);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ actor: 'it-admin', actor_role: 'admin', target: REPLICA, result: 'ok' });
    // The same hash as statement_texts (md5 of the text, computed by Postgres); the values are not recorded.
    const { rows } = await getControlPool().query('select md5($1) as hash', [statement]);
    expect(row.detail).toMatchObject({ statementHash: rows[0].hash, statement, parameterCount: 2, shardId: 'shard-1' });
    expect(JSON.stringify(row.detail)).not.toContain(TENANT_ID);
  });

  it('refuses EXPLAIN ANALYZE of an UPDATE (400 naming statement), audits the refusal, and changes nothing', async () => {
    const before = await lastAuditId();
    const { status, body } = await explain('admin', {
      nodeId: PRIMARY,
      statement: "update orders set status = 'tampered' where tenant_id = $1",
      params: [TENANT_ID],
      analyze: true,
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'bad_request', field: 'statement' });
    expect(body.error.message).toContain('UPDATE');
    expect(await tenantOrderStatuses()).toEqual(['open', 'refunded']);
    expect(await explainAuditRowsSince(before)).toMatchObject([{ result: 'refused', target: PRIMARY }]);
  });

  it('refuses EXPLAIN ANALYZE of a writable CTE behind comments and a SELECT', async () => {
    const { status, body } = await explain('admin', {
      nodeId: PRIMARY,
      statement: "/* read only */ with recent as ( -- just a look\n  UPDATE orders set status = 'tampered' where tenant_id = $1 returning id\n) select count(*) from recent",
      params: [TENANT_ID],
      analyze: true,
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ field: 'statement' });
    expect(body.error.message).toContain('WITH … UPDATE');
    expect(await tenantOrderStatuses()).toEqual(['open', 'refunded']);
  });

  it('leaves the rows unchanged when a SELECT calls a security-definer function that updates them', async () => {
    const before = await lastAuditId();
    const { status, body } = await explain('admin', {
      nodeId: PRIMARY,
      statement: 'select o.id from orders o where o.tenant_id = $1 and explain_it_mark_orders(o.tenant_id) = 1',
      params: [TENANT_ID],
      analyze: true,
    });
    expect(status).toBe(400);
    expect(body.error.field).toBe('statement');
    expect(body.error.message).toMatch(/read-only transaction/);
    expect(await tenantOrderStatuses()).toEqual(['open', 'refunded']);
    expect(await explainAuditRowsSince(before)).toMatchObject([{ result: 'refused' }]);
  });

  it('leaves the table unchanged when a SELECT calls a function that inserts', async () => {
    const { status, body } = await explain('admin', { nodeId: PRIMARY, statement: 'select explain_it_log_event($1)', params: [TENANT_ID], analyze: true });
    expect(status).toBe(400);
    expect(body.error.message).toContain('cannot execute INSERT in a read-only transaction');
    expect(await tenantEvents()).toBe(0);
  });

  it('refuses two statements, even where each alone would be fine', async () => {
    const { status, body } = await explain('operator', { nodeId: REPLICA, statement: 'select 1; select 2' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'bad_request', field: 'statement' });
    expect(body.error.message).toContain('only one statement');
  });

  it('refuses a parameter count that does not match the statement (400 naming params)', async () => {
    const { status, body } = await explain('operator', {
      nodeId: REPLICA,
      statement: 'select * from orders where tenant_id = $1 and status = $2',
      params: [TENANT_ID],
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ field: 'params' });
    expect(body.error.message).toContain('2 parameters');
  });

  it("reports values Postgres cannot type or read as 400s naming params, with Postgres' message", async () => {
    const untyped = await explain('operator', { nodeId: REPLICA, statement: 'select $1 + $2', params: ['1', '2'] });
    expect(untyped.status).toBe(400);
    expect(untyped.body.error.field).toBe('params');
    expect(untyped.body.error.message).toContain('operator is not unique: unknown + unknown');

    const badUuid = await explain('operator', { nodeId: REPLICA, statement: 'select * from orders where tenant_id = $1', params: ['not-a-uuid'] });
    expect(badUuid.status).toBe(400);
    expect(badUuid.body.error).toMatchObject({ field: 'params', message: 'invalid input syntax for type uuid: "not-a-uuid"' });
  });

  it('gives a statement error from Postgres as a 400 naming statement', async () => {
    const { status, body } = await explain('operator', { nodeId: REPLICA, statement: 'select no_such_column from orders' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ field: 'statement', message: 'column "no_such_column" does not exist' });
  });

  it('says why plain EXPLAIN of an UPDATE fails: the monitoring role reads only', async () => {
    const { status, body } = await explain('operator', { nodeId: REPLICA, statement: "update orders set status = 'x' where tenant_id = $1", params: [TENANT_ID] });
    expect(status).toBe(400);
    expect(body.error.field).toBe('statement');
    expect(body.error.message).toContain('the monitoring role may not run this: permission denied for table orders');
  });

  it('stops EXPLAIN ANALYZE of a pg_sleep at the timeout with a clear message, not a 500', async () => {
    const before = await lastAuditId();
    const { status, body, elapsedMs } = await explain('admin', { nodeId: REPLICA, statement: 'select pg_sleep(5)', analyze: true, timeoutMs: 500 });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: 'timeout', message: `EXPLAIN ANALYZE timed out after 500 ms on ${REPLICA}` });
    expect(elapsedMs).toBeLessThan(3000);
    expect(await explainAuditRowsSince(before)).toMatchObject([{ result: 'failed' }]);
  });

  it('stops a plain EXPLAIN waiting on a lock at the timeout', async () => {
    await withSuperuser(PRIMARY_PORT, async (locker) => {
      await locker.query('begin');
      await locker.query('lock table events in access exclusive mode');
      try {
        const { status, body } = await explain('operator', { nodeId: PRIMARY, statement: 'select * from events', timeoutMs: 500 });
        expect(status).toBe(422);
        expect(body.error.message).toBe(`EXPLAIN timed out after 500 ms on ${PRIMARY}`);
      } finally {
        await locker.query('rollback');
      }
    });
  });

  it('refuses a viewer (403), and EXPLAIN ANALYZE for an operator (403 naming analyze, audited)', async () => {
    const viewer = await explain('viewer', { nodeId: REPLICA, statement: 'select 1' });
    expect(viewer.status).toBe(403);

    const before = await lastAuditId();
    const operator = await explain('operator', { nodeId: REPLICA, statement: 'select 1', analyze: true });
    expect(operator.status).toBe(403);
    expect(operator.body.error).toMatchObject({ code: 'forbidden', field: 'analyze' });
    expect(await explainAuditRowsSince(before)).toMatchObject([{ actor: 'it-operator', actor_role: 'operator', result: 'refused', target: REPLICA }]);
  });

  it('answers 404 naming nodeId for a node that is not in the fleet', async () => {
    const { status, body } = await explain('operator', { nodeId: 'shard-9-primary', statement: 'select 1' });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'not_found', field: 'nodeId' });
  });

  it('answers 503 fast when the node is down', async () => {
    sandbox('stop-node', 'shard-2-replica-1');
    try {
      const { status, body, elapsedMs } = await explain('operator', { nodeId: 'shard-2-replica-1', statement: 'select 1' });
      expect(status).toBe(503);
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toContain('shard-2-replica-1');
      expect(elapsedMs).toBeLessThan(3000);
    } finally {
      sandbox('start-node', 'shard-2-replica-1');
    }
  });
});

describe('the read-only node session', () => {
  it('runs the work read-only, with the statement timeout, on its own connection that is closed afterwards', async () => {
    const seen = await withReadOnlyNodeSession(PRIMARY, { timeoutMs: 750 }, async (client) => {
      const { rows } = await client.query(
        `select current_setting('transaction_read_only') as read_only, current_setting('statement_timeout') as statement_timeout,
                current_user as role, current_setting('application_name') as application_name, pg_backend_pid() as pid`,
      );
      return rows[0];
    });
    // Named like every console connection, so the activity panel never offers to kill it.
    expect(seen).toMatchObject({ read_only: 'on', statement_timeout: '750ms', role: 'shardscope_monitor', application_name: 'shardscope' });
    await withSuperuser(PRIMARY_PORT, (client) =>
      eventually(
        async () => (await client.query('select count(*)::int as n from pg_stat_activity where pid = $1', [seen.pid])).rows[0].n as number,
        (count) => count === 0,
      ),
    );
  });

  it('refuses a write inside the session and changes nothing', async () => {
    await expect(
      withReadOnlyNodeSession(PRIMARY, { timeoutMs: 2000 }, (client) => client.query("update orders set status = 'tampered' where tenant_id = $1", [TENANT_ID])),
    ).rejects.toMatchObject({ code: '25006' });
  });

  it('connects as a role that cannot write even outside a read-only transaction, but reads every table', async () => {
    const client = new pg.Client({ connectionString: findNode('shard-1', PRIMARY)!.url });
    await client.connect();
    try {
      await expect(client.query("update orders set status = 'tampered' where tenant_id = $1", [TENANT_ID])).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('insert into events (tenant_id, kind) values ($1, $2)', [TENANT_ID, 'explain-it'])).rejects.toMatchObject({ code: '42501' });
      const { rows } = await client.query('select count(*)::int as n from orders');
      expect(rows[0].n).toBeGreaterThanOrEqual(0);
    } finally {
      await client.end();
    }
  });
});
