import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as directoryRoute } from '@/app/api/tenants/route';
import { GET as tenantRoute, PATCH as patchTenantRoute } from '@/app/api/tenants/[id]/route';
import { GET as usageRoute } from '@/app/api/tenants/[id]/usage/route';
import { getConnectedRedis } from '@/lib/redis/client';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import { tenantUsageKey } from '@/lib/tenants/usage-keys';
import type { TenantDirectoryPage, TenantDirectoryRow, TenantUsage } from '@/lib/tenants/tenant-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { withControl } from './workers';

/**
 * The tenant directory and a tenant's usage through the real route handlers,
 * on the integration sandbox's control DB and Redis. Fixture tenants get
 * measured usage rows written the way the worker writes them; the counters
 * go through the apps' client.
 */

type Role = 'viewer' | 'operator' | 'admin';

function request(path: string, role: Role | null, init: { method?: string; body?: unknown } = {}): NextRequest {
  const headers: Record<string, string> = { host: CONSOLE_HOST };
  if (role) headers.cookie = sessionCookie(role);
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers.origin = `http://${CONSOLE_HOST}`;
  }
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const noParams = { params: Promise.resolve({}) };
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

async function directory(query: string, role: Role = 'viewer'): Promise<{ status: number; body: TenantDirectoryPage & { error?: { field?: string } } }> {
  const response = await directoryRoute(request(`/api/tenants?${query}`, role), noParams);
  return { status: response.status, body: await response.json() };
}

/** Follows nextCursor to the end; returns every row in order. */
async function allPages(query: string): Promise<TenantDirectoryRow[]> {
  const rows: TenantDirectoryRow[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const { status, body } = await directory(`${query}${after ? `&after=${after}` : ''}`);
    expect(status).toBe(200);
    rows.push(...body.tenants);
    if (!body.nextCursor) return rows;
    after = body.nextCursor;
  }
  throw new Error('pagination did not end');
}

const PREFIX = `itdir${Date.now().toString(36)}`;
const GiB = 1024 ** 3;

interface Fixture {
  id: string;
  name: string;
  tier: 'free' | 'starter' | 'professional' | 'enterprise';
  shardId: string;
  storageBytes: number | null;
  users: number;
}

/** 23 tenants: free ones at, near and below their 500 MiB storage limit, others spread out. */
const fixtures: Fixture[] = Array.from({ length: 23 }, (_, index) => {
  const tier = (['free', 'starter', 'professional', 'enterprise'] as const)[index % 4];
  const words = ['amber', 'basalt', 'cobalt', 'dune', 'ember'];
  return {
    id: randomUUID(),
    name: `${PREFIX}-${words[index % words.length]}-${String(index).padStart(2, '0')}`,
    tier,
    shardId: index % 3 === 0 ? 'shard-2' : 'shard-1',
    // Free tier limit 500 MiB: index 0 over (600 MiB), 4 near (450 MiB), others small; one never measured.
    storageBytes: index === 0 ? 600 * 1024 ** 2 : index === 4 ? 450 * 1024 ** 2 : index === 22 ? null : (index + 1) * 1024 ** 2,
    users: 1 + (index % 3),
  };
});

describe('tenant directory and usage API', () => {
  beforeAll(async () => {
    await withControl(async (client) => {
      await client.query(
        `insert into tenants (id, name, tier, shard_id, created_at)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
        [
          fixtures.map((f) => f.id),
          fixtures.map((f) => f.name),
          fixtures.map((f) => f.tier),
          fixtures.map((f) => f.shardId),
          fixtures.map((_, index) => new Date(Date.UTC(2026, 0, 1 + index)).toISOString()),
        ],
      );
      const measured = fixtures.filter((f) => f.storageBytes !== null);
      await client.query(
        `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method)
         select id, shard_id, now(), now(), bytes, users, 'apportioned'
         from unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[]) as m (id, shard_id, bytes, users)`,
        [measured.map((f) => f.id), measured.map((f) => f.shardId), measured.map((f) => f.storageBytes), measured.map((f) => f.users)],
      );
    });
  });

  afterAll(async () => {
    await withControl((client) => client.query('delete from tenants where id = any($1::uuid[])', [fixtures.map((f) => f.id)]));
  });

  it('finds tenants by a substring of the name and by an id prefix', async () => {
    const bySubstring = await directory(`q=${PREFIX}-cobalt`);
    expect(bySubstring.status).toBe(200);
    expect(bySubstring.body.tenants.map((row) => row.name).sort()).toEqual(
      fixtures.filter((f) => f.name.includes('-cobalt-')).map((f) => f.name).sort(),
    );
    const target = fixtures[7];
    const byPrefix = await directory(`q=${target.id.slice(0, 9)}`);
    expect(byPrefix.body.tenants.map((row) => row.id)).toContain(target.id);
    expect(byPrefix.body.tenants.every((row) => row.id.startsWith(target.id.slice(0, 9)))).toBe(true);
    // A search string with LIKE wildcards is taken literally.
    expect((await directory(`q=${PREFIX}%25_`)).body.tenants).toEqual([]);
  });

  it('pages through every match once, in order, for each sort', async () => {
    for (const [sort, dir] of [['name', 'asc'], ['storage', 'desc'], ['created', 'desc'], ['tier', 'asc'], ['api_calls', 'desc']] as const) {
      const rows = await allPages(`q=${PREFIX}&sort=${sort}&dir=${dir}&pageSize=4`);
      expect(rows.map((row) => row.id).sort(), `${sort} ${dir}`).toEqual(fixtures.map((f) => f.id).sort());
      if (sort === 'name') expect(rows.map((row) => row.name)).toEqual(fixtures.map((f) => f.name).sort());
      if (sort === 'storage') {
        const sizes = rows.map((row) => row.storageBytes ?? -1);
        expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      }
    }
  });

  it('filters by tier, shard and layout', async () => {
    const free = await allPages(`q=${PREFIX}&tier=free`);
    expect(free.map((row) => row.id).sort()).toEqual(fixtures.filter((f) => f.tier === 'free').map((f) => f.id).sort());
    const onShard2 = await allPages(`q=${PREFIX}&shardId=shard-2`);
    expect(onShard2.length).toBe(fixtures.filter((f) => f.shardId === 'shard-2').length);
    expect(onShard2.every((row) => row.shardId === 'shard-2')).toBe(true);
    expect(await allPages(`q=${PREFIX}&layout=schema`)).toEqual([]);
  });

  it('keeps the near and over filters in agreement with the usage numbers on each row', async () => {
    const over = await allPages(`q=${PREFIX}&limit=over`);
    const near = await allPages(`q=${PREFIX}&limit=near`);
    expect(over.map((row) => row.name)).toEqual([fixtures[0].name]);
    expect(near.map((row) => row.name).sort()).toEqual([fixtures[0].name, fixtures[4].name].sort());
    for (const row of over) expect(row.peakLimit!.ratio).toBeGreaterThanOrEqual(1);
    for (const row of near) expect(row.peakLimit!.ratio).toBeGreaterThanOrEqual(0.8);
    const everyone = await allPages(`q=${PREFIX}`);
    const nearIds = new Set(near.map((row) => row.id));
    for (const row of everyone) if (!nearIds.has(row.id)) expect(row.peakLimit?.ratio ?? 0).toBeLessThan(0.8);
    expect(everyone.find((row) => row.id === fixtures[22].id)!.storageBytes).toBeNull();
  });

  it('refuses bad input with 400 naming the field, unknown tenants with 404, and callers without a session', async () => {
    const cases: [string, string][] = [
      ['sort=password', 'sort'],
      ['dir=sideways', 'dir'],
      ['pageSize=201', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['tier=platinum', 'tier'],
      ['limit=far', 'limit'],
      ['shardId=shard-99', 'shardId'],
      ['after=not-a-cursor', 'after'],
      ['colour=blue', ''],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await directory(query);
      expect(status, query).toBe(400);
      if (field) expect(body.error?.field, query).toBe(field);
    }
    // A cursor made for another sort is refused rather than skipping rows.
    const page = await directory(`q=${PREFIX}&sort=name&pageSize=2`);
    expect((await directory(`q=${PREFIX}&sort=created&after=${page.body.nextCursor}`)).body.error?.field).toBe('after');

    const malformed = await tenantRoute(request('/api/tenants/x', 'viewer'), idParams('not-a-uuid'));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.field).toBe('id');
    expect((await usageRoute(request('/api/tenants/x/usage', 'viewer'), idParams('1234'))).status).toBe(400);
    expect((await tenantRoute(request('/api/tenants/x', 'viewer'), idParams(randomUUID()))).status).toBe(404);
    expect((await directoryRoute(request('/api/tenants', null), noParams)).status).toBe(401);
  });

  it('shows counters written through the apps’ client exactly on the tenant’s usage, hit rate included', async () => {
    const tenant = fixtures[5];
    await recordTenantUsage(await getConnectedRedis(), tenant.id, { api_calls: 37, cache_hit: 30, cache_miss: 10, cache_set: 9, cache_invalidate: 2, rate_limited: 3 });
    const earlier = new Date(Date.now() - 5 * 3600_000);
    await recordTenantUsage(await getConnectedRedis(), tenant.id, { api_calls: 5, cache_hit: 10, cache_miss: 0 }, earlier);

    const response = await usageRoute(request(`/api/tenants/${tenant.id}/usage`, 'viewer'), idParams(tenant.id));
    expect(response.status).toBe(200);
    const usage = (await response.json()) as TenantUsage;
    expect(usage.countersAvailable).toBe(true);
    expect(usage.usage.apiCalls).toMatchObject({ used: 37, limit: 20_000, state: 'ok', source: expect.stringContaining('Redis') });
    expect(usage.cache).toEqual({ hitRateThisHour: 0.75, hitRate24h: 40 / 50, lookupsThisHour: 40, lookups24h: 50 });
    expect(usage.hours).toHaveLength(24);
    expect(usage.hours.at(-1)).toMatchObject({ apiCalls: 37, rateLimited: 3, cacheHit: 30, cacheMiss: 10, cacheSet: 9, cacheInvalidate: 2 });
    expect(usage.hours.at(-6)).toMatchObject({ apiCalls: 5, cacheHit: 10, cacheHitRate: 1 });
    expect(usage.hours.at(-2)).toMatchObject({ apiCalls: 0, cacheHitRate: null });
    expect(usage.usage.storage).toMatchObject({ used: tenant.storageBytes, limit: 20 * 1024 ** 2 * 256 });
    expect(usage.usage.users.used).toBe(tenant.users);
    expect(usage.sessions.shardDown).toBe(false);
    expect(usage.usage.connections.used).toBe(0);

    // The directory row reads the same counters live (one pipelined call for the page).
    const row = (await directory(`q=${tenant.name}`)).body.tenants[0];
    expect(row).toMatchObject({ apiCallsThisHour: 37, rateLimitedThisHour: 3, cacheLookupsThisHour: 40, cacheHitRateThisHour: 0.75 });

    // A raw HINCRBY on the documented key shows on the next read: nothing cached in between.
    await (await getConnectedRedis()).hincrby(tenantUsageKey(tenant.id, new Date()), 'api_calls', 100);
    const again = (await (await usageRoute(request('/', 'viewer'), idParams(tenant.id))).json()) as TenantUsage;
    expect(again.usage.apiCalls.used).toBe(137);
  });

  it('says "no cache traffic" (null), not 0 %, for a tenant without lookups', async () => {
    const usage = (await (await usageRoute(request('/', 'viewer'), idParams(fixtures[9].id))).json()) as TenantUsage;
    expect(usage.cache).toMatchObject({ hitRateThisHour: null, hitRate24h: null, lookups24h: 0 });
  });

  it('counts the tenant’s live sessions on its shard', async () => {
    const tenant = fixtures[3]; // shard-2 … (index 3 % 3 === 0)
    const { default: pg } = await import('pg');
    const { readFleetFile } = await import('@/lib/fleet/fleet-file');
    const { fleetFilePath } = await import('./sandbox');
    const shard = readFleetFile(fleetFilePath).shards.find((s) => s.id === tenant.shardId)!;
    const clients = await Promise.all(
      [0, 1].map(async () => {
        const client = new pg.Client({ connectionString: shard.adminUrl, application_name: `tenant:${tenant.id}` });
        await client.connect();
        return client;
      }),
    );
    try {
      const usage = (await (await usageRoute(request('/', 'viewer'), idParams(tenant.id))).json()) as TenantUsage;
      expect(usage.usage.connections.used).toBe(2);
      expect(usage.sessions.nodes.find((node) => node.role === 'primary')!.sessions).toBe(2);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('says "counters unavailable" when Redis does not answer, and keeps everything else', async () => {
    const { Redis } = await import('ioredis');
    const { readFleetFile } = await import('@/lib/fleet/fleet-file');
    const { fleetFilePath } = await import('./sandbox');
    const admin = new Redis(readFleetFile(fleetFilePath).redis.url);
    try {
      // Every other client's commands wait for 4 s: longer than the console's 1.5 s command timeout.
      await admin.call('client', 'pause', '4000', 'ALL');
      const usage = (await (await usageRoute(request('/', 'viewer'), idParams(fixtures[1].id))).json()) as TenantUsage;
      expect(usage.countersAvailable).toBe(false);
      expect(usage.usage.apiCalls).toMatchObject({ used: null, state: 'unknown', unavailable: expect.stringMatching(/counters unavailable/) });
      expect(usage.usage.storage.used).toBe(fixtures[1].storageBytes);
      const page = await directory(`q=${PREFIX}&pageSize=5`);
      expect(page.status).toBe(200);
      expect(page.body.countersAvailable).toBe(false);
      expect(page.body.tenants).toHaveLength(5);
      expect(page.body.tenants.every((row) => row.apiCallsThisHour === null && row.cacheHitRateThisHour === null)).toBe(true);
    } finally {
      await admin.call('client', 'unpause');
      admin.disconnect();
    }
  });

  it('shows "shard down" for live numbers of a tenant whose shard does not answer, and its directory data', async () => {
    const tenant = fixtures[6]; // 6 % 3 === 0: on shard-2
    const { sandbox } = await import('./sandbox');
    sandbox('pause-node', 'shard-2-primary');
    sandbox('pause-node', 'shard-2-replica-1');
    try {
      const started = Date.now();
      const response = await usageRoute(request('/', 'viewer'), idParams(tenant.id));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(200);
      const usage = (await response.json()) as TenantUsage;
      expect(usage.sessions.shardDown).toBe(true);
      expect(usage.usage.connections).toMatchObject({ used: null, unavailable: expect.stringMatching(/shard down/) });
      expect(usage.usage.storage.used).toBe(tenant.storageBytes);
      expect((await tenantRoute(request('/', 'viewer'), idParams(tenant.id))).status).toBe(200);
    } finally {
      sandbox('resume-node', 'shard-2-primary');
      sandbox('resume-node', 'shard-2-replica-1');
    }
  });

  it('changes a tenant’s tier and pin as admin only, audited with before and after', async () => {
    const tenant = fixtures[2];
    const viewer = await patchTenantRoute(request('/', 'viewer', { method: 'PATCH', body: { pinned: true } }), idParams(tenant.id));
    expect(viewer.status).toBe(403);
    const bad = await patchTenantRoute(request('/', 'admin', { method: 'PATCH', body: { tier: 'gold' } }), idParams(tenant.id));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('tier');

    const response = await patchTenantRoute(request('/', 'admin', { method: 'PATCH', body: { tier: 'enterprise', pinned: true } }), idParams(tenant.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: tenant.id, tier: 'enterprise', pinned: true, limits: { tier: 'enterprise' } });
    const audit = await withControl((client) =>
      client.query(`select actor, action, result, detail from audit_log where action = 'tenant.update' and target = $1 order by id desc limit 1`, [
        `tenant ${tenant.id}`,
      ]),
    );
    expect(audit.rows[0]).toMatchObject({
      actor: 'it-admin',
      result: 'ok',
      detail: { before: { tier: tenant.tier, pinned: false }, after: { tier: 'enterprise', pinned: true } },
    });
  });
});
