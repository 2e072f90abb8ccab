import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as directoryRoute } from '@/app/api/tenants/route';
import { GET as tiersRoute } from '@/app/api/tiers/route';
import { PUT as putTierRoute } from '@/app/api/tiers/[tier]/route';
import { GET as impactRoute } from '@/app/api/tiers/[tier]/impact/route';
import type { TierImpact, TierLimits } from '@/lib/tenants/tenant-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { withControl } from './workers';

/** Tier limits through the real route handlers: validation, audit, the impact preview, and the directory's filter following an edit. */

type Role = 'viewer' | 'operator' | 'admin';

function request(path: string, role: Role, body?: unknown): NextRequest {
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: {
      host: CONSOLE_HOST,
      cookie: sessionCookie(role),
      ...(body === undefined ? {} : { 'content-type': 'application/json', origin: `http://${CONSOLE_HOST}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const tierParams = (tier: string) => ({ params: Promise.resolve({ tier }) });
const PREFIX = `ittier${Date.now().toString(36)}`;
const MiB = 1024 ** 2;

/** Four free tenants with 10, 50, 100 and 200 MiB measured, 1–4 users. */
const tenants = [10, 50, 100, 200].map((mib, index) => ({ id: randomUUID(), name: `${PREFIX}-${index}`, bytes: mib * MiB, users: index + 1 }));

let original: TierLimits[];

async function putFree(body: Record<string, unknown>, role: Role = 'admin') {
  const response = await putTierRoute(request('/api/tiers/free', role, body), tierParams('free'));
  return { status: response.status, body: await response.json() };
}

const freeLimits = () => {
  const free = original.find((tier) => tier.tier === 'free')!;
  return { maxConnections: free.maxConnections, maxApiCallsPerHour: free.maxApiCallsPerHour, maxStorageBytes: free.maxStorageBytes, maxUsers: free.maxUsers };
};

async function overCount(): Promise<number> {
  const response = await directoryRoute(request(`/api/tenants?q=${PREFIX}&limit=over&pageSize=200`, 'viewer'), { params: Promise.resolve({}) });
  return (await response.json()).tenants.length;
}

describe('tier limits API', () => {
  beforeAll(async () => {
    original = (await (await tiersRoute(request('/api/tiers', 'viewer'), { params: Promise.resolve({}) })).json()).tiers;
    await withControl(async (client) => {
      for (const tenant of tenants) {
        await client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-1')`, [tenant.id, tenant.name]);
        await client.query(
          `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method)
           values ($1, 'shard-1', now(), now(), $2, $3, 'apportioned')`,
          [tenant.id, tenant.bytes, tenant.users],
        );
      }
    });
  });

  afterAll(async () => {
    await putFree(freeLimits());
    await withControl((client) => client.query('delete from tenants where id = any($1::uuid[])', [tenants.map((tenant) => tenant.id)]));
  });

  it('lists the four tiers in rank order', () => {
    expect(original.map((tier) => tier.tier)).toEqual(['free', 'starter', 'professional', 'enterprise']);
  });

  it('refuses a viewer and bad limits, changing nothing', async () => {
    expect((await putFree(freeLimits(), 'viewer')).status).toBe(403);
    expect((await putFree(freeLimits(), 'operator')).status).toBe(403);
    for (const [patch, field] of [
      [{ maxUsers: 0 }, 'maxUsers'],
      [{ maxConnections: -1 }, 'maxConnections'],
      [{ maxStorageBytes: 'a lot' }, 'maxStorageBytes'],
      [{ maxApiCallsPerHour: 1e15 }, 'maxApiCallsPerHour'],
    ] as const) {
      const { status, body } = await putFree({ ...freeLimits(), ...patch });
      expect(status, JSON.stringify(patch)).toBe(400);
      expect(body.error.field).toBe(field);
    }
    const unknownTier = await putTierRoute(request('/api/tiers/gold', 'admin', freeLimits()), tierParams('gold'));
    expect(unknownTier.status).toBe(404);
    const now = (await (await tiersRoute(request('/api/tiers', 'viewer'), { params: Promise.resolve({}) })).json()).tiers;
    expect(now.find((tier: TierLimits) => tier.tier === 'free').updatedAt).toBe(original.find((tier) => tier.tier === 'free')!.updatedAt);
  });

  it('needs a confirmation to put the free tier above the starter tier', async () => {
    const starterUsers = original.find((tier) => tier.tier === 'starter')!.maxUsers;
    const refused = await putFree({ ...freeLimits(), maxUsers: starterUsers + 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('maxUsers');
    expect(refused.body.error.message).toMatch(/confirmOrder/);
    const confirmed = await putFree({ ...freeLimits(), maxUsers: starterUsers + 1, confirmOrder: true });
    expect(confirmed.status).toBe(200);
    await putFree(freeLimits());
  });

  it('previews how many tenants a lower limit puts over, then the directory filter follows the saved edit', async () => {
    const before = await overCount();
    expect(before).toBe(0);
    const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(freeLimits()).map(([key, value]) => [key, String(value)])), maxStorageBytes: String(100 * MiB) });
    const impact = (await (await impactRoute(request(`/api/tiers/free/impact?${query}`, 'viewer'), tierParams('free'))).json()) as TierImpact;
    // Every free tenant of the sandbox counts; ours at 100 and 200 MiB are among those over.
    expect(impact.overAfterByLimit.storage - impact.overNow).toBeGreaterThanOrEqual(2);
    expect(impact.overAfter).toBeGreaterThanOrEqual(impact.overAfterByLimit.storage);
    const badPreview = await impactRoute(request('/api/tiers/free/impact?maxUsers=x', 'viewer'), tierParams('free'));
    expect(badPreview.status).toBe(400);

    const saved = await putFree({ ...freeLimits(), maxStorageBytes: 100 * MiB });
    expect(saved.status).toBe(200);
    expect(saved.body.after.maxStorageBytes).toBe(100 * MiB);
    expect(await overCount()).toBe(2);

    const audit = await withControl((client) =>
      client.query(`select actor, detail from audit_log where action = 'tier.update' and target = 'tier free' order by id desc limit 1`),
    );
    expect(audit.rows[0].actor).toBe('it-admin');
    expect(audit.rows[0].detail.before).toEqual(freeLimits());
    expect(audit.rows[0].detail.after).toEqual({ ...freeLimits(), maxStorageBytes: 100 * MiB });
  });
});
