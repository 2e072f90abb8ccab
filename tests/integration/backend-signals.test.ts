import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POST as cancelRoute } from '@/app/api/shards/[shardId]/backends/cancel/route';
import { POST as terminateRoute } from '@/app/api/shards/[shardId]/backends/terminate/route';
import type { Role } from '@/lib/auth/roles';
import { getControlPool } from '@/lib/control/db';
import { queryNode } from '@/lib/fleet/node-pools';
import { findNode } from '@/lib/fleet/topology';
import { CANCEL_BACKEND_SQL } from '@/lib/monitor/backend-signals';
import { BACKEND_OF_SQL, backendOf, CONSOLE_HOST as HOST, sessionCookie, type Backend } from './console-requests';
import { connectAsApp, eventually, nodePort, withSuperuser } from './sandbox';

const TENANT_ID = randomUUID();
const TENANT_APP = `tenant:${TENANT_ID}`;
const PRIMARY_PORT = nodePort(1, 'primary');
const NODE_ID = 'shard-1-primary';

type Route = typeof cancelRoute;

function post(route: Route, role: Role, action: 'cancel' | 'terminate', body: unknown, shardId = 'shard-1'): Promise<Response> {
  const request = new NextRequest(`http://${HOST}/api/shards/${shardId}/backends/${action}`, {
    method: 'POST',
    headers: { cookie: sessionCookie(role), origin: `http://${HOST}`, host: HOST, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return route(request, { params: Promise.resolve({ shardId }) });
}
const cancel = (role: Role, body: unknown, shardId?: string) => post(cancelRoute, role, 'cancel', body, shardId);
const terminate = (role: Role, body: unknown, shardId?: string) => post(terminateRoute, role, 'terminate', body, shardId);

async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  return ((await response.json()) as { error: { code: string; message: string; field?: string } }).error;
}

/** Audit rows written after `afterId`, oldest first (by the bigint id: the text alias would sort "10" before "9"). */
async function auditRowsSince(afterId: string) {
  const { rows } = await getControlPool().query(
    'select id::text, actor, actor_role, action, target, result, detail from audit_log where id > $1 order by audit_log.id',
    [afterId],
  );
  return rows;
}
async function lastAuditId(): Promise<string> {
  const { rows } = await getControlPool().query('select coalesce(max(id), 0)::text as id from audit_log');
  return rows[0].id;
}

/** Connections opened by a test; every one is closed after it, whatever happened. */
const openClients: { client: pg.Client; port: number }[] = [];
async function appClient(port = PRIMARY_PORT, applicationName = TENANT_APP): Promise<pg.Client> {
  const client = await connectAsApp(port, applicationName);
  openClients.push({ client, port });
  return client;
}

interface BlockedPair {
  holder: pg.Client;
  holderBackend: Backend;
  waiterBackend: Backend;
  /** Settles with the waiter's error (null if its update went through). */
  waiterOutcome: Promise<{ code?: string } | null>;
  waiterSettled: () => boolean;
}

let orderId: string;

/** A session holding a row lock (idle in transaction) and a second one blocked updating that row. */
async function blockedPair(): Promise<BlockedPair> {
  const holder = await appClient();
  const waiter = await appClient();
  const holderBackend = await backendOf(holder);
  const waiterBackend = await backendOf(waiter);
  await holder.query('begin');
  await holder.query('select id from orders where tenant_id = $1 and id = $2 for update', [TENANT_ID, orderId]);
  let settled = false;
  const waiterOutcome = waiter.query(`update orders set status = 'it-blocked' where tenant_id = $1 and id = $2`, [TENANT_ID, orderId]).then(
    () => null,
    (error: { code?: string }) => error,
  );
  void waiterOutcome.finally(() => {
    settled = true;
  });
  await eventually(() => waitEventOf(waiterBackend.pid), (waitEvent) => waitEvent === 'Lock');
  return { holder, holderBackend, waiterBackend, waiterOutcome, waiterSettled: () => settled };
}

async function waitEventOf(pid: number, port = PRIMARY_PORT): Promise<string | null> {
  return withSuperuser(port, async (client) => {
    const { rows } = await client.query('select wait_event_type from pg_stat_activity where pid = $1', [pid]);
    return rows[0]?.wait_event_type ?? null;
  });
}

/** Nothing was signalled: the waiter is still blocked on the lock, its query not ended. */
async function expectStillWaiting(pair: BlockedPair): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200)); // a cancel, had one been sent, lands within this
  expect(pair.waiterSettled()).toBe(false);
  expect(await waitEventOf(pair.waiterBackend.pid)).toBe('Lock');
}

describe('cancel and terminate backends through the API', () => {
  beforeAll(async () => {
    const client = await appClient();
    const { rows } = await client.query('insert into orders (tenant_id, amount_cents) values ($1, 100) returning id', [TENANT_ID]);
    orderId = rows[0].id;
  });

  afterEach(async () => {
    // Server side first: a blocked client cannot end cleanly while its blocker lives.
    const ports = [...new Set(openClients.map((entry) => entry.port))];
    for (const port of ports) {
      await withSuperuser(port, (client) =>
        client.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name in ($1, 'it-bystander')`, [TENANT_APP]),
      ).catch(() => {});
    }
    await Promise.all(openClients.splice(0).map(({ client }) => client.end().catch(() => {})));
  });

  afterAll(async () => {
    await withSuperuser(PRIMARY_PORT, (client) => client.query('delete from orders where tenant_id = $1', [TENANT_ID])).catch(() => {});
  });

  it('lets an operator cancel the blocked query, and audits it as ok', async () => {
    const pair = await blockedPair();
    const before = await lastAuditId();

    const response = await cancel('operator', { nodeId: NODE_ID, ...pair.waiterBackend });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ action: 'cancel', nodeId: NODE_ID, pid: pair.waiterBackend.pid, signalled: true });
    expect(await pair.waiterOutcome).toMatchObject({ code: '57014' }); // canceling statement due to user request
    expect((await pair.holder.query('select 1 as alive')).rows[0].alive).toBe(1); // only the query ended, not the holder
    const [row, ...others] = await auditRowsSince(before);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      actor: 'it-operator',
      actor_role: 'operator',
      action: 'backend.cancel',
      target: `shard-1/${NODE_ID}/pid ${pair.waiterBackend.pid}`,
      result: 'ok',
      detail: { pid: pair.waiterBackend.pid, backendStart: pair.waiterBackend.backendStart, user: 'app', applicationName: TENANT_APP, signalled: true },
    });
    expect(row.detail.query).toContain("update orders set status = 'it-blocked'");
  });

  it('lets an admin terminate the lock holder, which frees the waiter, and audits it as ok', async () => {
    const pair = await blockedPair();
    const before = await lastAuditId();

    const response = await terminate('admin', { nodeId: NODE_ID, ...pair.holderBackend });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ action: 'terminate', pid: pair.holderBackend.pid, signalled: true });
    await expect(pair.holder.query('select 1')).rejects.toThrow();
    expect(await pair.waiterOutcome).toBeNull(); // its update went through once the holder's transaction rolled back
    expect(await auditRowsSince(before)).toMatchObject([
      { actor: 'it-admin', actor_role: 'admin', action: 'backend.terminate', target: `shard-1/${NODE_ID}/pid ${pair.holderBackend.pid}`, result: 'ok' },
    ]);
  });

  it('refuses a viewer both actions and an operator termination, signalling nothing, and audits the refusals', async () => {
    const pair = await blockedPair();
    const before = await lastAuditId();
    const body = { nodeId: NODE_ID, ...pair.waiterBackend };
    for (const response of [await cancel('viewer', body), await terminate('viewer', body), await terminate('operator', body)]) {
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe('forbidden');
    }
    await expectStillWaiting(pair);
    expect(await auditRowsSince(before)).toMatchObject([
      { actor_role: 'viewer', action: 'request.refused', target: 'POST /api/shards/shard-1/backends/cancel', result: 'refused' },
      { actor_role: 'viewer', action: 'request.refused', target: 'POST /api/shards/shard-1/backends/terminate', result: 'refused' },
      { actor_role: 'operator', action: 'request.refused', target: 'POST /api/shards/shard-1/backends/terminate', result: 'refused' },
    ]);
  });

  it('refuses a pid that now belongs to another backend with 409, signalling nothing, and audits the refusal', async () => {
    const pair = await blockedPair();
    const before = await lastAuditId();
    const staleStart = (Number(pair.waiterBackend.backendStart) - 60).toFixed(6);

    const response = await cancel('admin', { nodeId: NODE_ID, pid: pair.waiterBackend.pid, backendStart: staleStart });

    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({
      code: 'conflict',
      message: `pid ${pair.waiterBackend.pid} was reused by another backend since the page was loaded`,
      field: 'backendStart',
    });
    await expectStillWaiting(pair);
    expect(await auditRowsSince(before)).toMatchObject([
      { action: 'backend.cancel', result: 'refused', detail: { pid: pair.waiterBackend.pid, backendStart: staleStart, signalled: false } },
    ]);
  });

  it('re-checks backend_start in the signalling statement itself', async () => {
    const pair = await blockedPair();
    const node = findNode('shard-1', NODE_ID)!;
    const staleStart = (Number(pair.waiterBackend.backendStart) - 60).toFixed(6);

    expect(await queryNode(node, CANCEL_BACKEND_SQL, [pair.waiterBackend.pid, staleStart, 'shardscope'])).toEqual([]);
    await expectStillWaiting(pair);
    // Same backend_start written without trailing zeros: still the same backend.
    const sameStart = pair.waiterBackend.backendStart.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    expect(await queryNode(node, CANCEL_BACKEND_SQL, [pair.waiterBackend.pid, sameStart, 'shardscope'])).toEqual([{ signalled: true }]);
    expect(await pair.waiterOutcome).toMatchObject({ code: '57014' });
  });

  it('answers 400 naming the field for a bad body, 404 naming the shard or node, and executes nothing', async () => {
    const pair = await blockedPair();
    const { pid, backendStart } = pair.waiterBackend;
    const before = await lastAuditId();
    const cases: [unknown, number, string][] = [
      [{ nodeId: NODE_ID, pid: String(pid), backendStart }, 400, 'pid'],
      [{ nodeId: NODE_ID, pid: pid + 0.5, backendStart }, 400, 'pid'],
      [{ nodeId: NODE_ID, pid: -pid, backendStart }, 400, 'pid'],
      [{ nodeId: NODE_ID, pid, backendStart: `${backendStart}; select 1` }, 400, 'backendStart'],
      [{ nodeId: NODE_ID, pid }, 400, 'backendStart'],
      [{ pid, backendStart }, 400, 'nodeId'],
      ['{"nodeId": ', 400, 'body'],
      [{ nodeId: 'shard-9-primary', pid, backendStart }, 404, 'nodeId'],
      [{ nodeId: 'shard-2-primary', pid, backendStart }, 404, 'nodeId'],
    ];
    for (const [body, status, field] of cases) {
      const response = await cancel('admin', body);
      expect({ body, status: response.status, field: (await errorOf(response)).field }).toEqual({ body, status, field });
    }
    const unknownShard = await cancel('admin', { nodeId: NODE_ID, pid, backendStart }, 'shard-9');
    expect([unknownShard.status, (await errorOf(unknownShard)).field]).toEqual([404, 'shardId']);

    await expectStillWaiting(pair);
    expect(await auditRowsSince(before)).toEqual([]);
  });

  it("refuses a pid taken from another node, leaving that node's backend alone", async () => {
    const others = [
      { port: nodePort(1, 'replica'), nodeId: 'shard-1-replica-1' },
      { port: nodePort(2, 'primary'), nodeId: 'shard-2-primary' },
    ];
    for (const other of others) {
      const client = await appClient(other.port, 'it-bystander');
      const backend = await backendOf(client);
      const running = client.query('select pg_sleep(30)').then(
        () => null,
        (error: { code?: string }) => error,
      );
      await eventually(() => waitEventOf(backend.pid, other.port), (waitEvent) => waitEvent === 'Timeout');

      const response = await cancel('admin', { nodeId: NODE_ID, ...backend });

      expect([404, 409]).toContain(response.status);
      expect(await waitEventOf(backend.pid, other.port)).toBe('Timeout'); // still sleeping on its own node
      void running;
    }
  });

  it("refuses the console's own session, a walsender and a superuser's session with 403", async () => {
    const node = findNode('shard-1', NODE_ID)!;
    const [consoleBackend] = await queryNode<{ pid: number; backend_start: string }>(node, BACKEND_OF_SQL);
    const walsender = await withSuperuser(PRIMARY_PORT, async (client) => {
      const { rows } = await client.query(
        `select pid, extract(epoch from backend_start)::numeric::text as backend_start from pg_stat_activity where backend_type = 'walsender' limit 1`,
      );
      return rows[0] as { pid: number; backend_start: string };
    });
    expect(walsender).toBeDefined();
    const before = await lastAuditId();

    const ownSession = await cancel('admin', { nodeId: NODE_ID, pid: consoleBackend.pid, backendStart: consoleBackend.backend_start });
    expect(ownSession.status).toBe(403);
    expect((await errorOf(ownSession)).message).toContain("console's own");

    const walsenderResponse = await terminate('admin', { nodeId: NODE_ID, pid: walsender.pid, backendStart: walsender.backend_start });
    expect(walsenderResponse.status).toBe(403);
    expect((await errorOf(walsenderResponse)).message).toContain('walsender');

    await withSuperuser(PRIMARY_PORT, async (superuser) => {
      const backend = await backendOf(superuser);
      const response = await cancel('admin', { nodeId: NODE_ID, ...backend });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toEqual({ code: 'forbidden', message: 'cannot signal a superuser backend', field: 'pid' });
      expect((await superuser.query('select 1 as alive')).rows[0].alive).toBe(1);
    });

    expect((await auditRowsSince(before)).map((row) => [row.action, row.result])).toEqual([
      ['backend.cancel', 'refused'],
      ['backend.terminate', 'refused'],
      ['backend.cancel', 'failed'],
    ]);
  });
});
