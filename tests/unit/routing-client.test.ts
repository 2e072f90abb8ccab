import { describe, expect, it } from 'vitest';
import { strongEtag } from '@/lib/api/etag';
import { parseRouteNotification } from '@/lib/tenants/route-notifications';
import { createRoutingClient, isStaleRouteError, RouteLookupError, type RouteChange } from '@/lib/tenants/routing-client';
import type { TenantRoute } from '@/lib/tenants/tenant-route-model';

const TENANT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

function route(shardId: string, version: number): TenantRoute {
  const host = `${shardId}.internal`;
  return {
    tenantId: TENANT,
    shardId,
    status: 'active',
    layout: 'shared',
    schemaName: null,
    writer: { host, port: 6432, database: 'app' },
    reader: { host, port: 5432, database: 'app', nodeId: `${shardId}-primary`, role: 'primary', reason: 'no replica' },
    version,
  };
}

/** A stand-in for Shardscope's route API: answers from `current`, honours If-None-Match, counts requests. */
function fakeShardscope(initial: TenantRoute | null) {
  const state = {
    current: initial,
    down: false,
    requests: [] as { ifNoneMatch: string | null; authorization: string | null }[],
    /** Lets a test hold responses back to overlap calls. */
    gate: Promise.resolve(),
  };
  const fetchRoute: typeof globalThis.fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    state.requests.push({ ifNoneMatch: headers.get('if-none-match'), authorization: headers.get('authorization') });
    await state.gate;
    if (state.down) throw new TypeError('fetch failed');
    if (!state.current) return Response.json({ error: { code: 'not_found', message: 'no tenant' } }, { status: 404 });
    const body = JSON.stringify(state.current);
    const etag = strongEtag(body);
    if (headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(body, { status: 200, headers: { etag, 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { state, fetch: fetchRoute };
}

function clock(start = 1_000_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe('routing client', () => {
  it('asks once for concurrent callers and serves the cached route within the TTL', async () => {
    const shardscope = fakeShardscope(route('shard-1', 1));
    let release!: () => void;
    shardscope.state.gate = new Promise((resolve) => (release = resolve));
    const { time, now } = clock();
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test/', token: 'app-token-0123456789', fetch: shardscope.fetch, ttlMs: 10_000, now });

    const calls = Promise.all([client.getRoute(TENANT), client.getRoute(TENANT), client.getRoute(TENANT.toUpperCase())]);
    release();
    const routes = await calls;
    expect(routes.map((r) => r.shardId)).toEqual(['shard-1', 'shard-1', 'shard-1']);
    expect(shardscope.state.requests).toHaveLength(1);
    expect(shardscope.state.requests[0].authorization).toBe('Bearer app-token-0123456789');

    time.now += 9_000;
    await client.getRoute(TENANT);
    expect(shardscope.state.requests).toHaveLength(1);
    await client.close();
  });

  it('revalidates after the TTL with If-None-Match and keeps the route on a 304', async () => {
    const shardscope = fakeShardscope(route('shard-1', 1));
    const { time, now } = clock();
    const changes: RouteChange[] = [];
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shardscope.fetch, ttlMs: 1000, now });
    client.onChange((change) => changes.push(change));

    await client.getRoute(TENANT);
    time.now += 1500;
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-1');
    expect(shardscope.state.requests[1].ifNoneMatch).toBe(strongEtag(JSON.stringify(route('shard-1', 1))));
    expect(changes).toEqual([]);

    shardscope.state.current = route('shard-2', 2);
    time.now += 1500;
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-2');
    expect(changes).toEqual([{ tenantId: TENANT, previous: route('shard-1', 1), route: route('shard-2', 2) }]);
    await client.close();
  });

  it('refreshes the route and retries once when the shard says the route is stale', async () => {
    const shardscope = fakeShardscope(route('shard-1', 1));
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shardscope.fetch, ttlMs: 60_000 });
    await client.getRoute(TENANT);
    shardscope.state.current = route('shard-2', 3);

    const tried: string[] = [];
    const result = await client.withRoute(TENANT, async (r) => {
      tried.push(r.shardId);
      if (r.shardId === 'shard-1') throw Object.assign(new Error('tenant moved to shard-2'), { code: 'SSM01' });
      return 'written';
    });
    expect(result).toBe('written');
    expect(tried).toEqual(['shard-1', 'shard-2']);

    // Only once: a second stale-route error reaches the app.
    let attempts = 0;
    await expect(
      client.withRoute(TENANT, async () => {
        attempts += 1;
        throw Object.assign(new Error('fenced'), { code: 'SSF01' });
      }),
    ).rejects.toMatchObject({ code: 'SSF01' });
    expect(attempts).toBe(2);

    // Any other error is not retried.
    attempts = 0;
    await expect(
      client.withRoute(TENANT, async () => {
        attempts += 1;
        throw Object.assign(new Error('unique violation'), { code: '23505' });
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(1);
    await client.close();
  });

  it("retries a schema tenant's missing table on a fresh route (its old shard's schema is dropped after a move), but not a shared tenant's", async () => {
    const schemaRoute = (shardId: string, version: number): TenantRoute => ({ ...route(shardId, version), layout: 'schema', schemaName: 'tenant_7c9e6679' });
    const shardscope = fakeShardscope(schemaRoute('shard-1', 1));
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shardscope.fetch, ttlMs: 60_000 });
    await client.getRoute(TENANT);
    shardscope.state.current = schemaRoute('shard-2', 2);
    const tried: string[] = [];
    const written = await client.withRoute(TENANT, async (r) => {
      tried.push(r.shardId);
      if (r.shardId === 'shard-1') throw Object.assign(new Error('relation "tenant_7c9e6679.orders" does not exist'), { code: '42P01' });
      return 'written';
    });
    expect(written).toBe('written');
    expect(tried).toEqual(['shard-1', 'shard-2']);

    const shared = fakeShardscope(route('shard-1', 1));
    const sharedClient = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shared.fetch, ttlMs: 60_000 });
    let attempts = 0;
    await expect(
      sharedClient.withRoute(TENANT, async () => {
        attempts += 1;
        throw Object.assign(new Error('relation "orders" does not exist'), { code: '42P01' });
      }),
    ).rejects.toMatchObject({ code: '42P01' });
    expect(attempts).toBe(1);
    await client.close();
    await sharedClient.close();
  });

  it('serves an expired route while Shardscope is down, but never one known to be outdated', async () => {
    const shardscope = fakeShardscope(route('shard-1', 1));
    const { time, now } = clock();
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shardscope.fetch, ttlMs: 1000, now, onError: () => {} });
    await client.getRoute(TENANT);
    shardscope.state.down = true;
    time.now += 5000;
    expect((await client.getRoute(TENANT)).shardId).toBe('shard-1');

    client.invalidate(TENANT);
    await expect(client.getRoute(TENANT)).rejects.toBeInstanceOf(RouteLookupError);
    await client.close();
  });

  it('answers an unknown tenant with a 404 error and refuses a malformed id without asking', async () => {
    const shardscope = fakeShardscope(null);
    const client = createRoutingClient({ baseUrl: 'http://shardscope.test', token: 't'.repeat(16), fetch: shardscope.fetch });
    await expect(client.getRoute(TENANT)).rejects.toMatchObject({ status: 404 });
    await expect(client.getRoute('tenant-1')).rejects.toBeInstanceOf(TypeError);
    expect(shardscope.state.requests).toHaveLength(1);
    await client.close();
  });
});

describe('stale-route errors and notifications', () => {
  it('recognises the stale-route SQLSTATEs on a pg error or on its cause', () => {
    expect(isStaleRouteError(Object.assign(new Error('fenced'), { code: 'SSF01' }))).toBe(true);
    expect(isStaleRouteError({ code: 'SSM01' })).toBe(true);
    expect(isStaleRouteError(new Error('wrapped', { cause: { code: 'SSF01' } }))).toBe(true);
    expect(isStaleRouteError({ code: '23505' })).toBe(false);
    expect(isStaleRouteError(null)).toBe(false);
    expect(isStaleRouteError('SSF01')).toBe(false);
  });

  it('reads the trigger payload and ignores anything else', () => {
    expect(parseRouteNotification(`{"tenantId":"${TENANT.toUpperCase()}","version":4}`)).toEqual({ tenantId: TENANT, version: 4 });
    expect(parseRouteNotification('not json')).toBeNull();
    expect(parseRouteNotification(`{"tenantId":"${TENANT}","version":"4"}`)).toBeNull();
    expect(parseRouteNotification('{"tenantId":"x","version":4}')).toBeNull();
  });
});
