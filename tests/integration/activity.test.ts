import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GET as getActivityRoute } from '@/app/api/shards/[shardId]/activity/route';
import { GET as getQueryTextRoute } from '@/app/api/shards/[shardId]/backends/query/route';
import type { Role } from '@/lib/auth/roles';
import { getControlPool } from '@/lib/control/db';
import { findShard } from '@/lib/fleet/topology';
import { collectShardActivity, getShardActivity } from '@/lib/monitor/activity';
import type { BlockingNode, NodeActivity, ShardActivity } from '@/lib/monitor/activity-types';
import { backendOf, CONSOLE_HOST as HOST, sessionCookie } from './console-requests';
import { connectAsApp, eventually, nodePort, sandbox, withSuperuser } from './sandbox';

const TENANT_ID = randomUUID();
const TENANT_NAME = `it-activity-${TENANT_ID.slice(0, 8)}`;
const TENANT_APP = `tenant:${TENANT_ID}`;
const PRIMARY_PORT = nodePort(1, 'primary');

function request(role: Role, path: string): NextRequest {
  return new NextRequest(`http://${HOST}${path}`, { headers: { cookie: sessionCookie(role), host: HOST } });
}

const shardContext = (shardId: string) => ({ params: Promise.resolve({ shardId }) });

async function fetchActivity(role: Role = 'viewer', shardId = 'shard-1'): Promise<ShardActivity> {
  const response = await getActivityRoute(request(role, `/api/shards/${shardId}/activity`), shardContext(shardId));
  expect(response.status).toBe(200);
  return (await response.json()) as ShardActivity;
}

type UpNode = Extract<NodeActivity, { up: true }>;
function upNode(activity: ShardActivity, nodeId: string): UpNode {
  const node = activity.nodes.find((candidate) => candidate.nodeId === nodeId);
  if (!node?.up) throw new Error(`${nodeId} is not up in the activity: ${JSON.stringify(node)}`);
  return node;
}

/** App connections opened by a test; closed after it whatever happened. */
const openClients: pg.Client[] = [];
async function appClient(port = PRIMARY_PORT): Promise<pg.Client> {
  const client = await connectAsApp(port, TENANT_APP);
  openClients.push(client);
  return client;
}

let orderId: string;

describe('shard activity against the sandbox fleet', () => {
  beforeAll(async () => {
    await getControlPool().query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-1')`, [TENANT_ID, TENANT_NAME]);
    const client = await appClient();
    const { rows } = await client.query('insert into orders (tenant_id, amount_cents) values ($1, 100) returning id', [TENANT_ID]);
    orderId = rows[0].id;
  });

  afterEach(async () => {
    // Server side first: a blocked client cannot end cleanly until its blocker is gone.
    await withSuperuser(PRIMARY_PORT, (client) =>
      client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [TENANT_APP]),
    ).catch(() => {});
    await Promise.all(openClients.splice(0).map((client) => client.end().catch(() => {})));
  });

  afterAll(async () => {
    await withSuperuser(PRIMARY_PORT, (client) => client.query('delete from orders where tenant_id = $1', [TENANT_ID])).catch(() => {});
    await getControlPool().query('delete from tenants where id = $1', [TENANT_ID]).catch(() => {});
    sandbox('start-node', 'shard-2-replica-1');
  });

  it('shows a row-lock holder as the root of a blocking tree with its waiter under it, attributed to their tenant', async () => {
    const holder = await appClient();
    const waiter = await appClient();
    const holderBackend = await backendOf(holder);
    const waiterBackend = await backendOf(waiter);
    await holder.query('begin');
    await holder.query('select id from orders where tenant_id = $1 and id = $2 for update', [TENANT_ID, orderId]);
    void waiter.query(`update orders set status = 'it-blocked' where tenant_id = $1 and id = $2`, [TENANT_ID, orderId]).catch(() => {});

    const activity = await eventually(fetchActivity, (next) => upNode(next, 'shard-1-primary').blockingTrees.some((tree) => tree.session.pid === holderBackend.pid && tree.blocked.length > 0));
    const primary = upNode(activity, 'shard-1-primary');
    const tree = primary.blockingTrees.find((candidate) => candidate.session.pid === holderBackend.pid)!;

    expect(tree).toMatchObject({
      waitingFor: null,
      waitingSeconds: null,
      session: { backendStart: holderBackend.backendStart, state: 'idle in transaction', tenantId: TENANT_ID, user: 'app', database: 'app', isConsole: false },
    });
    expect(tree.blocked.map((child: BlockingNode) => child.session.pid)).toEqual([waiterBackend.pid]);
    expect(tree.blocked[0]).toMatchObject({
      waitingFor: { lockType: 'transactionid', mode: 'ShareLock', relation: null },
      session: { backendStart: waiterBackend.backendStart, state: 'active', waitEventType: 'Lock', blockedBy: [holderBackend.pid], tenantId: TENANT_ID },
      blocked: [],
    });
    expect(tree.blocked[0].waitingSeconds).toBeGreaterThanOrEqual(0);
    expect(tree.blocked[0].session.queryPreview).toContain("update orders set status = 'it-blocked'");

    expect(primary.counts.waitingOnLock).toBeGreaterThanOrEqual(1);
    expect(primary.counts.total).toBe(primary.counts.active + primary.counts.idle + primary.counts.idleInTransaction + primary.counts.idleInTransactionAborted + primary.counts.other);
    expect(primary.maxConnections).toBe(100);
    expect(primary.reservedConnections).toBeGreaterThanOrEqual(0);
    expect(primary.topTenantsBySessions.find((tenant) => tenant.tenantId === TENANT_ID)).toMatchObject({ tenantName: TENANT_NAME, activeSessions: 1 });
    expect(primary.topTenantsBySessions.find((tenant) => tenant.tenantId === TENANT_ID)!.sessions).toBeGreaterThanOrEqual(2);
    expect(primary.byApplication).toContainEqual({ key: TENANT_APP, count: expect.any(Number) });
    expect(upNode(activity, 'shard-1-replica-1').role).toBe('replica');
  });

  it('names the relation a session waits for when it queues behind a table lock', async () => {
    const holder = await appClient();
    const waiter = await appClient();
    const holderBackend = await backendOf(holder);
    const waiterBackend = await backendOf(waiter);
    await holder.query('begin');
    await holder.query('lock table orders in access exclusive mode');
    void waiter.query('select count(*) from orders').catch(() => {});

    const activity = await eventually(fetchActivity, (next) => upNode(next, 'shard-1-primary').blockingTrees.some((tree) => tree.session.pid === holderBackend.pid));
    const tree = upNode(activity, 'shard-1-primary').blockingTrees.find((candidate) => candidate.session.pid === holderBackend.pid)!;
    expect(tree.blocked).toMatchObject([{ session: { pid: waiterBackend.pid }, waitingFor: { lockType: 'relation', mode: 'AccessShareLock', relation: 'orders' } }]);
  });

  it('keeps answering, with tenant ids but no names, while the control plane is down', async () => {
    const unknownTenant = randomUUID();
    const client = await connectAsApp(PRIMARY_PORT, `tenant:${unknownTenant}`);
    openClients.push(client);
    sandbox('stop-node', 'control');
    try {
      const started = performance.now();
      const activity = await collectShardActivity(findShard('shard-1')!);
      expect(performance.now() - started).toBeLessThan(2500);
      expect(upNode(activity, 'shard-1-primary').topTenantsBySessions).toContainEqual(
        expect.objectContaining({ tenantId: unknownTenant, tenantName: null, sessions: 1 }),
      );
    } finally {
      sandbox('start-node', 'control');
      await withSuperuser(PRIMARY_PORT, (superuser) => superuser.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [`tenant:${unknownTenant}`]));
    }
  });

  it('lists a query past the long-running threshold and a session idle in a transaction past its threshold, with ages from the clock', async () => {
    const sleeper = await appClient();
    const idler = await appClient();
    const sleeperBackend = await backendOf(sleeper);
    const idlerBackend = await backendOf(idler);
    await idler.query('begin');
    await idler.query('select 1');
    void sleeper.query('select pg_sleep(30)').catch(() => {});

    const activity = await eventually(
      fetchActivity,
      (next) => upNode(next, 'shard-1-primary').idleInTransaction.some((session) => session.pid === idlerBackend.pid),
      20_000,
    );
    const primary = upNode(activity, 'shard-1-primary');
    expect(activity.thresholds).toEqual({ longQuerySeconds: 5, idleInTransactionSeconds: 10 });
    const sleeping = primary.longRunning.find((session) => session.pid === sleeperBackend.pid);
    expect(sleeping?.queryAgeSeconds).toBeGreaterThanOrEqual(10);
    expect(sleeping?.transactionAgeSeconds).toBeGreaterThanOrEqual(10);
    const idle = primary.idleInTransaction.find((session) => session.pid === idlerBackend.pid)!;
    expect(idle.stateAgeSeconds).toBeGreaterThanOrEqual(10);
    expect(idle.queryPreview).toBe('select 1');
    expect(primary.topTenantsByActiveTime.find((tenant) => tenant.tenantId === TENANT_ID)?.activeQuerySeconds).toBeGreaterThanOrEqual(10);
  });

  it('sends a long query cut to 300 characters and serves its full text on demand, refusing a reused pid', async () => {
    const client = await appClient();
    const backend = await backendOf(client);
    const longQuery = `select pg_sleep(30) /* ${'x'.repeat(500)} */`;
    void client.query(longQuery).catch(() => {});

    const activity = await eventually(fetchActivity, (next) => upNode(next, 'shard-1-primary').longRunning.some((session) => session.pid === backend.pid), 20_000);
    const session = upNode(activity, 'shard-1-primary').longRunning.find((candidate) => candidate.pid === backend.pid)!;
    expect(session.queryPreview).toBe(longQuery.slice(0, 300));
    expect(session.queryTruncated).toBe(true);

    const path = (pid: string, backendStart: string) =>
      `/api/shards/shard-1/backends/query?${new URLSearchParams({ nodeId: 'shard-1-primary', pid, backendStart })}`;
    const full = await getQueryTextRoute(request('viewer', path(String(backend.pid), session.backendStart)), shardContext('shard-1'));
    expect(full.status).toBe(200);
    expect(await full.json()).toEqual({ query: longQuery });

    const reused = await getQueryTextRoute(request('viewer', path(String(backend.pid), '1000000000.5')), shardContext('shard-1'));
    expect(reused.status).toBe(409);
    expect((await reused.json()).error.field).toBe('backendStart');

    const badPid = await getQueryTextRoute(request('viewer', path('1.5', session.backendStart)), shardContext('shard-1'));
    expect(badPid.status).toBe(400);
    expect((await badPid.json()).error.field).toBe('pid');
  });

  it('answers 401 without a session and 404 naming shardId for an unknown shard', async () => {
    const anonymous = new NextRequest(`http://${HOST}/api/shards/shard-1/activity`, { headers: { host: HOST } });
    expect((await getActivityRoute(anonymous, shardContext('shard-1'))).status).toBe(401);
    const unknown = await getActivityRoute(request('viewer', '/api/shards/shard-9/activity'), shardContext('shard-9'));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.field).toBe('shardId');
  });

  it('serves concurrent callers with one reading per shard', async () => {
    const shard = findShard('shard-1')!;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let an earlier reading expire
    const readings = await Promise.all(Array.from({ length: 10 }, () => getShardActivity(shard)));
    expect(new Set(readings.map((reading) => reading.generatedAt)).size).toBe(1);
  });

  it('reports a stopped replica as down with the reason while the primary still answers', async () => {
    const shard = findShard('shard-2')!;
    sandbox('stop-node', 'shard-2-replica-1');
    try {
      const started = performance.now();
      const activity = await collectShardActivity(shard);
      expect(performance.now() - started).toBeLessThan(2500);
      expect(activity.nodes.find((node) => node.nodeId === 'shard-2-replica-1')).toMatchObject({ up: false, error: expect.stringMatching(/connection (refused|lost)/) });
      expect(upNode(activity, 'shard-2-primary').counts.total).toBeGreaterThanOrEqual(0);
    } finally {
      sandbox('start-node', 'shard-2-replica-1');
    }
    await eventually(() => collectShardActivity(shard), (next) => next.nodes.every((node) => node.up));
  });
});
