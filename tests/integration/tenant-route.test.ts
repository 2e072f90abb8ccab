import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as tenantRouteGet } from '@/app/api/tenants/[id]/route/route';
import { getFleet } from '@/lib/fleet/topology';
import { getReadTarget } from '@/lib/monitor/read-target';
import { getConnectedRedis } from '@/lib/redis/client';
import { startRouteNotificationRelay, type RouteNotificationRelay } from '@/lib/tenants/route-notifications';
import { createRoutingClient, type RouteChange, type RoutingClient } from '@/lib/tenants/routing-client';
import { TENANT_ROUTE_REDIS_CHANNEL, type TenantRoute } from '@/lib/tenants/tenant-route-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { connectAsApp, eventually, nodePort, sandbox } from './sandbox';
import { startWorker, stopWorker, withControl } from './workers';

/**
 * Tenant routing for apps against the integration sandbox: the route API
 * through its real guard, the control DB's trigger and NOTIFY, the worker's
 * Redis relay (run in-process here), and the routing client fetching through
 * the route handler itself.
 */

const APP_TOKEN = process.env.SHARDSCOPE_APP_TOKEN!;
const TENANT = randomUUID();
const PREFIX = `itroute${Date.now().toString(36)}`;
/** Long enough that nothing in a test is refreshed by the TTL: a change seen is a change notified. */
const NO_POLLING_TTL_MS = 10 * 60_000;

const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

function routeRequest(id: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(`http://${CONSOLE_HOST}/api/tenants/${id}/route`, { headers: { host: CONSOLE_HOST, ...headers } });
}

async function askRoute(id: string, headers: Record<string, string> = {}) {
  const response = await tenantRouteGet(routeRequest(id, headers), idParams(id));
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), cacheControl: response.headers.get('cache-control'), text, body: text ? JSON.parse(text) : null };
}

const asViewer = { cookie: sessionCookie('viewer') };
const asApp = { authorization: `Bearer ${APP_TOKEN}` };

/** The routing client's fetch, answered by the route handler itself; every request is counted. */
function handlerFetch() {
  const requests: string[] = [];
  const fetchRoute: typeof globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const id = decodeURIComponent(url.pathname.split('/')[3]);
    requests.push(id);
    const headers = new Headers(init?.headers);
    headers.set('host', CONSOLE_HOST);
    return tenantRouteGet(new NextRequest(url, { headers }), idParams(id));
  }) as typeof globalThis.fetch;
  return { fetch: fetchRoute, requests };
}

function nextChange(client: RoutingClient, accept: (change: RouteChange) => boolean, timeoutMs = 10_000): Promise<RouteChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no route change within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = client.onChange((change) => {
      if (!accept(change)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(change);
    });
  });
}

const moveTenant = (shardId: string) => withControl((client) => client.query('update tenants set shard_id = $2 where id = $1', [TENANT, shardId]));

describe('tenant routing for apps', () => {
  const clients: RoutingClient[] = [];
  let relay: RouteNotificationRelay | undefined;

  beforeAll(async () => {
    await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'starter', 'shard-1')`, [TENANT, `${PREFIX}-acme`]));
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await relay?.stop();
    await withControl((client) => client.query('delete from tenants where id = $1', [TENANT]));
  });

  it("answers the tenant's shard, its PgBouncer as writer and its read target, without credentials", async () => {
    const { status, body, etag, cacheControl, text } = await askRoute(TENANT, asViewer);
    expect(status).toBe(200);
    const fleet = getFleet();
    const bouncerPort = Number(/:(\d+)\//.exec(fleet.shards[0].pooler!.url)![1]);
    expect(body).toMatchObject({
      tenantId: TENANT,
      shardId: 'shard-1',
      status: 'active',
      layout: 'shared',
      schemaName: null,
      writer: { host: '127.0.0.1', port: bouncerPort, database: 'app' },
      reader: { host: '127.0.0.1', database: 'app', nodeId: expect.stringMatching(/^shard-1-/), role: expect.stringMatching(/^(primary|replica)$/) },
      version: 1,
    });
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(cacheControl).toMatch(/no-cache/);
    const secrets = [fleet.shards[0].pooler!.url, fleet.shards[0].nodes[0].url].map((url) => /:\/\/[^:]+:([^@]+)@/.exec(url)![1]);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/shardscope_monitor|shardscope_admin|password/);
  });

  it('answers 304 to a matching If-None-Match, also after an edit that does not touch the route', async () => {
    const first = await askRoute(TENANT, asApp);
    const again = await askRoute(TENANT, { ...asApp, 'if-none-match': first.etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.etag).toBe(first.etag);

    await withControl((client) => client.query(`update tenants set tier = 'professional', pinned = true where id = $1`, [TENANT]));
    const afterTierEdit = await askRoute(TENANT, { ...asApp, 'if-none-match': first.etag! });
    expect(afterTierEdit.status).toBe(304);
  });

  it('changes shard, version and ETag when the directory row moves the tenant', async () => {
    const before = await askRoute(TENANT, asViewer);
    await moveTenant('shard-2');
    try {
      const after = await askRoute(TENANT, { ...asViewer, 'if-none-match': before.etag! });
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ shardId: 'shard-2', version: before.body.version + 1 });
      expect(after.body.writer.port).not.toBe(before.body.writer.port);
      expect(after.body.reader.nodeId).toMatch(/^shard-2-/);
      expect(after.etag).not.toBe(before.etag);
    } finally {
      await moveTenant('shard-1');
    }
    expect((await askRoute(TENANT, asViewer)).body).toMatchObject({ shardId: 'shard-1', version: before.body.version + 2 });
  });

  it('takes the app token as a bearer, and refuses a wrong token or no credentials with 401', async () => {
    expect((await askRoute(TENANT, asApp)).status).toBe(200);
    for (const headers of [{ authorization: 'Bearer wrong-token-wrong-token' }, { authorization: `Basic ${APP_TOKEN}` }, {}] as Record<string, string>[]) {
      const refused = await askRoute(TENANT, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');
    }
  });

  it('refuses a malformed id with 400 naming it, and an unknown tenant with 404', async () => {
    const bad = await askRoute('not-a-uuid', asApp);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('id');
    const unknown = await askRoute(randomUUID(), asApp);
    expect(unknown.status).toBe(404);
    // The 400 comes after the caller is checked: without credentials it is a 401.
    expect((await askRoute('not-a-uuid')).status).toBe(401);
  });

  it('moves a routing client listening on the control DB as soon as the switch commits, without polling', async () => {
    const { fetch, requests } = handlerFetch();
    const client = createRoutingClient({ baseUrl: `http://${CONSOLE_HOST}`, token: APP_TOKEN, fetch, ttlMs: NO_POLLING_TTL_MS, listen: { controlUrl: getFleet().control.url } });
    clients.push(client);
    await client.listening();
    const before = await client.getRoute(TENANT);
    expect(before.shardId).toBe('shard-1');
    const fetchesBefore = requests.length;

    const changed = nextChange(client, (change) => change.route?.shardId === 'shard-2');
    await moveTenant('shard-2');
    try {
      const change = await changed;
      expect(change.previous).toMatchObject({ shardId: 'shard-1', version: before.version });
      expect(change.route).toMatchObject({ shardId: 'shard-2', version: before.version + 1 });
      // The notification cost one request, and the app's next use costs none.
      expect(requests.length).toBe(fetchesBefore + 1);
      expect(await client.getRoute(TENANT)).toMatchObject({ shardId: 'shard-2' });
      expect(requests.length).toBe(fetchesBefore + 1);
    } finally {
      const back = nextChange(client, (change) => change.route?.shardId === 'shard-1');
      await moveTenant('shard-1');
      expect((await back).route!.version).toBe(before.version + 2);
    }
  });

  it('moves a routing client subscribed to Redis through the relay, and ignores an old or repeated version', async () => {
    relay = startRouteNotificationRelay({
      controlUrl: getFleet().control.url,
      publish: async (message) => (await getConnectedRedis()).publish(TENANT_ROUTE_REDIS_CHANNEL, message),
    });
    await relay.listening;
    const { fetch, requests } = handlerFetch();
    const client = createRoutingClient({ baseUrl: `http://${CONSOLE_HOST}`, token: APP_TOKEN, fetch, ttlMs: NO_POLLING_TTL_MS, listen: { redisUrl: getFleet().redis.url } });
    clients.push(client);
    await client.listening();
    const before = await client.getRoute(TENANT);
    const fetchesBefore = requests.length;

    // What the route already is, or older: nothing to do.
    const redis = await getConnectedRedis();
    await redis.publish(TENANT_ROUTE_REDIS_CHANNEL, JSON.stringify({ tenantId: TENANT, version: before.version }));
    await redis.publish(TENANT_ROUTE_REDIS_CHANNEL, JSON.stringify({ tenantId: TENANT, version: before.version - 1 }));
    await redis.publish(TENANT_ROUTE_REDIS_CHANNEL, 'not a route notification');

    const relayedBefore = relay.relayed();
    const changed = nextChange(client, (change) => change.route?.shardId === 'shard-2');
    await moveTenant('shard-2');
    try {
      const change = await changed;
      expect(change.route).toMatchObject({ shardId: 'shard-2', version: before.version + 1 });
      expect(relay.relayed()).toBeGreaterThan(relayedBefore);
      expect(requests.length).toBe(fetchesBefore + 1);
    } finally {
      const back = nextChange(client, (change) => change.route?.shardId === 'shard-1');
      await moveTenant('shard-1');
      expect((await back).route!.version).toBe(before.version + 2);
      await relay.stop();
    }
  });

  it('relays route changes to Redis from a real worker, which stops cleanly', async () => {
    const subscriber = new Redis(getFleet().redis.url);
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(TENANT_ROUTE_REDIS_CHANNEL);
    const worker = startWorker({ SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_route' });
    try {
      await eventually(async () => worker.output(), (output) => output.includes('[worker] running'), 30_000);
      await moveTenant('shard-2');
      await moveTenant('shard-1');
      const heard = await eventually(
        async () => messages.map((message) => JSON.parse(message)).filter((notification) => notification.tenantId === TENANT),
        (notifications) => notifications.length >= 2,
      );
      expect(heard.map((notification) => notification.version)).toEqual([heard[0].version, heard[0].version + 1]);
      expect(await stopWorker(worker)).toBe(0);
      expect(worker.output()).not.toMatch(/route notifications\) unavailable/);
    } finally {
      await stopWorker(worker, 'SIGKILL');
      subscriber.disconnect();
    }
  });

  it('refreshes the route and retries once when the old shard refuses the tenant (SQLSTATE SSF01)', async () => {
    const { fetch, requests } = handlerFetch();
    // No listener: the client learns of the move only from the shard's refusal.
    const client = createRoutingClient({ baseUrl: `http://${CONSOLE_HOST}`, token: APP_TOKEN, fetch, ttlMs: NO_POLLING_TTL_MS });
    clients.push(client);
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-1');
    await moveTenant('shard-2');
    try {
      const attempts: TenantRoute[] = [];
      const servedBy = await client.withRoute(TENANT, async (route) => {
        attempts.push(route);
        // Through the route's writer endpoint (the shard's PgBouncer), as an app would.
        const connection = await connectAsApp(route.writer.port, 'it-routing-client');
        try {
          if (route.shardId === 'shard-1') {
            // What the old shard's fence trigger raises for a tenant that is switching away.
            await connection.query(`do $$ begin raise exception using errcode = 'SSF01', message = 'tenant is fenced on this shard'; end $$`);
          }
          const { rows } = await connection.query<{ port: string }>(`select current_setting('port') as port`);
          return Number(rows[0].port);
        } finally {
          await connection.end();
        }
      });
      expect(attempts.map((route) => route.shardId)).toEqual(['shard-1', 'shard-2']);
      expect(servedBy).toBe(nodePort(2, 'primary'));
      expect(requests.length).toBe(2);
    } finally {
      await moveTenant('shard-1');
    }
  });

  it('listens again after the control DB restarts, and revalidates what it cached meanwhile', async () => {
    const { fetch, requests } = handlerFetch();
    const client = createRoutingClient({
      baseUrl: `http://${CONSOLE_HOST}`,
      token: APP_TOKEN,
      fetch,
      ttlMs: NO_POLLING_TTL_MS,
      listen: { controlUrl: getFleet().control.url },
      onError: () => {},
    });
    clients.push(client);
    await client.listening();
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-1');
    const listeners = () =>
      withControl(async (control) => {
        const { rows } = await control.query(`select count(*)::int as listeners from pg_stat_activity where application_name = 'shardscope-routing-client'`);
        return rows[0].listeners as number;
      }).catch(() => 0);

    // This client's listener and the first test's, still open.
    const listening = await listeners();
    expect(listening).toBeGreaterThanOrEqual(1);
    sandbox('stop-node', 'control');
    sandbox('start-node', 'control');
    await eventually(listeners, (count) => count === listening, 30_000);
    // A change made while it was away would be unheard: the next use asks (a 304 when nothing changed).
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-1');
    expect(requests.length).toBe(2);

    const changed = nextChange(client, (change) => change.route?.shardId === 'shard-2');
    await moveTenant('shard-2');
    try {
      expect((await changed).route!.shardId).toBe('shard-2');
    } finally {
      const back = nextChange(client, (change) => change.route?.shardId === 'shard-1');
      await moveTenant('shard-1');
      await back;
    }
  });

  it('still answers, with reads on the primary, while the shard is down — never a 500, never a hang', async () => {
    await moveTenant('shard-2');
    sandbox('stop-node', 'shard-2-primary');
    try {
      const route = await eventually(
        async () => {
          const started = Date.now();
          const answer = await askRoute(TENANT, asApp);
          return { ...answer, ms: Date.now() - started };
        },
        (answer) => answer.status === 200 && answer.body.reader.role === 'primary' && /down too/.test(answer.body.reader.reason),
        30_000,
      );
      expect(route.body).toMatchObject({ shardId: 'shard-2', reader: { nodeId: 'shard-2-primary', role: 'primary' } });
      // Bounded by the node timeout (1.5 s by default), not by TCP's minutes.
      expect(route.ms).toBeLessThan(5_000);
    } finally {
      sandbox('start-node', 'shard-2-primary');
      await moveTenant('shard-1');
    }
    // Leave shard-2 streaming again for the next test file.
    await eventually(() => getReadTarget(getFleet().shards[1]), (target) => target.target.role === 'replica', 30_000);
  });
});
