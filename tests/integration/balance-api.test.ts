import { Redis } from 'ioredis';
import { NextRequest } from 'next/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as balanceRoute } from '@/app/api/balance/route';
import { POST as planRoute } from '@/app/api/rebalance/plan/route';
import { PATCH as shardRoute } from '@/app/api/shards/[shardId]/route';
import { DEMO_SEED, seedDemoFleet } from '@/lib/demo/seed';
import { buildDemoTenants } from '@/lib/demo/tenant-profiles';
import { hourStart, rollUpHour } from '@/lib/history/rollups';
import { insertSamples } from '@/lib/history/samples-store';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import { samplingSlot } from '@/lib/jobs/slots';
import type { BalanceReport, Plan, ShardStatusChange } from '@/lib/rebalance/rebalance-model';
import { measureTenantStorage } from '@/lib/tenants/storage-measurement';
import { dropTenantSchema, TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { tenantUsageKeysForHours } from '@/lib/tenants/usage-keys';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { ownControlDb, withDatabase } from './own-control-db';
import { connectAsApp, nodePort, withSuperuser } from './sandbox';

/**
 * The balance report, the rebalance planner and shard status through the real
 * route handlers, on the demo seed's 70/30 placement: the demo's tenants
 * (a smaller, scaled-down directory) seeded into a control database of this
 * file's own, so the other tests' tenants never count in the balance and the
 * plan sees exactly the demo. Storage is measured and the shards sampled the
 * way the worker does it, in process.
 */

const CONTROL_DB = 'it_balance';
const SEED_OPTIONS = { tenantCount: 120, scale: 0.05, schemaTenantCount: 2 };

const controlDb = ownControlDb(CONTROL_DB);
const { fleet, withControl, sampleFleet } = controlDb;
const demoTenants = buildDemoTenants({ count: SEED_OPTIONS.tenantCount, shardIds: fleet.shards.map((shard) => shard.id), seed: DEMO_SEED, ...SEED_OPTIONS });

const SAMPLE_INTERVAL_S = Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S);

type Role = 'viewer' | 'operator' | 'admin';

function request(urlPath: string, role: Role | null, init: { method?: string; body?: unknown; origin?: boolean } = {}): NextRequest {
  const headers: Record<string, string> = { host: CONSOLE_HOST };
  if (role) headers.cookie = sessionCookie(role);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.body !== undefined && init.origin !== false) headers.origin = `http://${CONSOLE_HOST}`;
  return new NextRequest(`http://${CONSOLE_HOST}${urlPath}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

async function balance(query: string, role: Role = 'viewer'): Promise<{ status: number; body: BalanceReport & ErrorBody }> {
  const response = await balanceRoute(request(`/api/balance${query}`, role), { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

async function plan(body: unknown, role: Role = 'viewer', origin = true): Promise<{ status: number; body: Plan & ErrorBody }> {
  const response = await planRoute(request('/api/rebalance/plan', role, { method: 'POST', body, origin }), { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

async function patchShard(shardId: string, body: unknown, role: Role = 'admin'): Promise<{ status: number; body: ShardStatusChange & ErrorBody }> {
  const response = await shardRoute(request(`/api/shards/${shardId}`, role, { method: 'PATCH', body }), { params: Promise.resolve({ shardId }) });
  return { status: response.status, body: await response.json() };
}




/** The demo's rows on the shards (both layouts) and its Redis counters. */
async function removeDemo(): Promise<void> {
  for (const shard of fleet.shards) {
    await withDatabase(shard.adminUrl, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [demoTenants.map((tenant) => tenant.id)]);
      for (const tenant of demoTenants.filter((candidate) => candidate.schemaName)) await dropTenantSchema(client, tenant.schemaName!);
    });
  }
  const redis = new Redis(fleet.redis.url);
  try {
    await redis.del(...demoTenants.flatMap((tenant) => tenantUsageKeysForHours(tenant.id, new Date(), 26)));
  } finally {
    redis.disconnect();
  }
}

const BALANCE_BYTES = { mode: 'balance', dimension: 'bytes', thresholdPct: 10 } as const;

describe('shard balance, rebalance plans and shard status', () => {
  beforeAll(async () => {
    await controlDb.create();
    await removeDemo();
    const seeded = await seedDemoFleet(fleet, SEED_OPTIONS);
    expect(seeded).toMatchObject({ seeded: true, tenantCount: SEED_OPTIONS.tenantCount });
    const measuredAt = samplingSlot(new Date(), 60);
    for (const shard of fleet.shards) await measureTenantStorage(shard, measuredAt);
    // Two rounds a slot apart: rates need a pair of samples.
    await sampleFleet();
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_S * 1000 + 100));
    await sampleFleet();
  });

  afterAll(async () => {
    await removeDemo();
    await controlDb.drop();
  });

  it('shows the seeded skew: the crowded shard above the mean, skew > 1, heaviest tenants with their pins', async () => {
    await sampleFleet();
    const { status, body } = await balance('?window=1h&dimension=bytes');
    expect(status).toBe(200);
    expect(body).toMatchObject({ window: '1h', dimension: 'bytes', thresholdPct: 10 });
    expect(body.shards.map((shard) => shard.shardId)).toEqual(['shard-1', 'shard-2']);
    const [crowded, light] = body.shards;
    expect(crowded.tenants + light.tenants).toBe(SEED_OPTIONS.tenantCount);
    expect(crowded.tenants).toBeGreaterThan(2 * light.tenants);
    expect(crowded.bytes).toBeGreaterThan(light.bytes);
    expect(crowded.ratioToMean!).toBeGreaterThan(1.1);
    expect(body.skew.bytes!).toBeGreaterThan(1.1);
    expect(body.skew.bytes).toBeCloseTo(crowded.ratioToMean!, 9);

    const pinned = new Set(demoTenants.filter((tenant) => tenant.pinned).map((tenant) => tenant.id));
    for (const shard of body.shards) {
      expect(shard).toMatchObject({ status: 'active', stale: false });
      // The sampler leaves its own session out: an idle sandbox primary may have 0 client connections.
      expect(shard.connectionsUsed).toBeGreaterThanOrEqual(0);
      expect(shard.connectionsMax).toBeGreaterThan(shard.connectionsUsed!);
      // Two sampling rounds a slot apart give a rate.
      expect(shard.commitsPerSecond).toBeGreaterThanOrEqual(0);
      expect(shard.heaviestByBytes.length).toBe(5);
      const bytes = shard.heaviestByBytes.map((tenant) => tenant.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
      for (const tenant of shard.heaviestByBytes) expect(tenant.pinned).toBe(pinned.has(tenant.tenantId));
    }
    // The heaviest tenant of a shard is the largest of its measured tenants.
    const { rows } = await withControl((client) =>
      client.query(`select t.shard_id, max(u.storage_bytes)::float8 as bytes from tenants t join tenant_usage_latest u on u.tenant_id = t.id group by 1 order by 1`),
    );
    expect(body.shards.map((shard) => shard.heaviestByBytes[0].bytes)).toEqual(rows.map((row) => row.bytes));

    expect(body.capacity.map((note) => note.shardId)).toEqual(['shard-1', 'shard-2']);
    expect(body.fleetAdvice.length).toBeGreaterThan(0);
    expect(body.placementRule).toMatch(/least/);
  });

  it("measures a primary's statement time per second from its statement snapshots over the window", async () => {
    const shard1 = fleet.shards.find((shard) => shard.id === 'shard-1')!;
    const sleep = (client: pg.Client) => client.query('select pg_sleep(0.3)');
    const now = Date.now();
    // The baseline snapshot just before the 1 h window starts, the last one inside it; pg_sleep is known at the
    // baseline (a statement first seen inside the window adds nothing for its first row).
    await withSuperuser(nodePort(1, 'primary'), sleep);
    await snapshotStatements(shard1, new Date(now - 3600_000 - 60_000));
    await withSuperuser(nodePort(1, 'primary'), async (client) => {
      await sleep(client);
      await sleep(client);
    });
    await snapshotStatements(shard1, new Date(now - 60_000));
    await sampleFleet();

    const { body } = await balance('?window=1h&dimension=bytes');
    const [withSnapshots, without] = body.shards;
    const statementSeconds = withSnapshots.statementSecondsPerSecond! * 3600;
    expect(statementSeconds).toBeGreaterThanOrEqual(0.6);
    expect(statementSeconds).toBeLessThan(5);
    expect(without.statementSecondsPerSecond).toBeNull();
  });

  it('answers the default window and dimension, and refuses an unknown window or dimension naming it', async () => {
    const defaults = await balance('');
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ window: '24h', dimension: 'mixed' });
    expect(Object.keys(defaults.body.skew).sort()).toEqual(['bytes', 'load', 'mixed']);

    const badWindow = await balance('?window=2h');
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.field).toBe('window');
    const badDimension = await balance('?dimension=rows');
    expect(badDimension.status).toBe(400);
    expect(badDimension.body.error.field).toBe('dimension');
  });

  it('plans moves off the crowded shard that bring both shards within 10 % of the mean by bytes', async () => {
    await sampleFleet();
    const { status, body } = await plan(BALANCE_BYTES);
    expect(status).toBe(200);
    expect(body.before.find((shard) => shard.shardId === 'shard-1')!.ratioToMean!).toBeGreaterThan(1.1);
    expect(body.withinThreshold).toBe(true);
    for (const shard of body.after) expect(Math.abs(shard.ratioToMean! - 1)).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(body.skewAfter).toBeLessThan(body.skewBefore);
    expect(body.moves.length).toBeGreaterThan(0);
    for (const move of body.moves) {
      expect(move).toMatchObject({ from: 'shard-1', to: 'shard-2' });
      expect(move.reason.length).toBeGreaterThan(0);
    }
    const pinned = new Set(demoTenants.filter((tenant) => tenant.pinned).map((tenant) => tenant.id));
    expect(body.moves.filter((move) => pinned.has(move.tenantId))).toEqual([]);
    expect(body.totals).toMatchObject({ tenants: body.moves.length, bytes: body.moves.reduce((sum, move) => sum + move.bytes, 0) });

    // Same fleet, same request: the same plan.
    const again = await plan(BALANCE_BYTES);
    expect(again.body.moves).toEqual(body.moves);
  });

  it('leaves a tenant out of the plan once it is pinned', async () => {
    await sampleFleet();
    const first = await plan(BALANCE_BYTES);
    const biggest = [...first.body.moves].sort((a, b) => b.bytes - a.bytes)[0];
    expect(biggest).toBeDefined();
    await withControl((client) => client.query('update tenants set pinned = true where id = $1', [biggest.tenantId]));
    try {
      const pinnedPlan = await plan(BALANCE_BYTES);
      expect(pinnedPlan.status).toBe(200);
      expect(pinnedPlan.body.moves.map((move) => move.tenantId)).not.toContain(biggest.tenantId);
      expect(pinnedPlan.body.moves.length).toBeGreaterThan(0);
    } finally {
      await withControl((client) => client.query('update tenants set pinned = false where id = $1', [biggest.tenantId]));
    }
  });

  it('drains a shard: every movable tenant of it goes to the others', async () => {
    await sampleFleet();
    const { status, body } = await plan({ mode: 'drain', dimension: 'bytes', thresholdPct: 10, shardId: 'shard-2' });
    expect(status).toBe(200);
    const movable = demoTenants.filter((tenant) => tenant.shardId === 'shard-2' && !tenant.pinned).map((tenant) => tenant.id);
    expect(body.moves.map((move) => move.tenantId).sort()).toEqual(movable.sort());
    for (const move of body.moves) expect(move).toMatchObject({ from: 'shard-2', to: 'shard-1' });
  });

  it('marks a down shard stale and never moves a tenant to it', async () => {
    await sampleFleet();
    const nextSlot = new Date(samplingSlot(new Date(), SAMPLE_INTERVAL_S).getTime() + SAMPLE_INTERVAL_S * 1000);
    // What the worker writes when the primary does not answer: a down sample, no readings.
    const downSample = [nextSlot, 'shard-2', 'shard-2-primary'];
    await withControl((client) =>
      client.query(
        `insert into metric_samples (at, measured_at, kind, shard_id, node_id, up, v, error) values ($1, now(), 'node', $2, $3, false, null, 'connection refused')`,
        downSample,
      ),
    );
    try {
      const report = await balance('?window=1h&dimension=bytes');
      expect(report.body.shards.find((shard) => shard.shardId === 'shard-2')).toMatchObject({ stale: true, connectionsUsed: null });
      expect(report.body.shards.find((shard) => shard.shardId === 'shard-1')!.stale).toBe(false);

      const { status, body } = await plan(BALANCE_BYTES);
      expect(status).toBe(200);
      expect(body.before.find((shard) => shard.shardId === 'shard-2')!.stale).toBe(true);
      expect(body.moves.filter((move) => move.to === 'shard-2')).toEqual([]);
      expect(body.notes.join(' ')).toMatch(/shard-2/);
      expect(body.notes.join(' ')).toMatch(/stale/);
    } finally {
      await withControl((client) => client.query(`delete from metric_samples where at = $1 and shard_id = $2 and node_id = $3 and not up`, downSample));
    }
  });

  it('refuses bad plan input with a 400 naming the field', async () => {
    await sampleFleet();
    const cases: [unknown, string][] = [
      [{ ...BALANCE_BYTES, thresholdPct: 0 }, 'thresholdPct'],
      [{ ...BALANCE_BYTES, thresholdPct: 101 }, 'thresholdPct'],
      [{ ...BALANCE_BYTES, dimension: 'rows' }, 'dimension'],
      [{ ...BALANCE_BYTES, mode: 'shuffle' }, 'mode'],
      [{ ...BALANCE_BYTES, mode: 'drain', shardId: 'shard-9' }, 'shardId'],
      [{ ...BALANCE_BYTES, mode: 'drain' }, 'shardId'],
      [{ ...BALANCE_BYTES, maxBytes: -1 }, 'maxBytes'],
      [{ ...BALANCE_BYTES, bytesWeight: 2 }, 'bytesWeight'],
    ];
    for (const [body, field] of cases) {
      const response = await plan(body);
      expect({ body, status: response.status, field: response.body.error?.field }).toEqual({ body, status: 400, field });
    }
  });

  it('plans for a viewer but refuses a plan request from another origin', async () => {
    expect((await plan(BALANCE_BYTES, 'viewer')).status).toBe(200);
    const foreign = await plan(BALANCE_BYTES, 'viewer', false);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.field).toBe('Origin');
  });

  it('lets an admin mark a shard draining and active again, audited; a viewer is refused', async () => {
    const auditRows = () =>
      withControl(async (client) => (await client.query(`select actor, actor_role, target, result, detail from audit_log where action = 'shard.status' order by id`)).rows);

    const refused = await patchShard('shard-2', { status: 'draining' }, 'viewer');
    expect(refused.status).toBe(403);
    const operatorRefused = await patchShard('shard-2', { status: 'draining' }, 'operator');
    expect(operatorRefused.status).toBe(403);
    expect(await auditRows()).toEqual([]);

    try {
      const drained = await patchShard('shard-2', { status: 'draining' });
      expect(drained.status).toBe(200);
      expect(drained.body).toEqual({ shardId: 'shard-2', status: 'draining', previousStatus: 'active' });
      const report = await balance('?window=1h&dimension=bytes');
      expect(report.body.shards.find((shard) => shard.shardId === 'shard-2')!.status).toBe('draining');
    } finally {
      const restored = await patchShard('shard-2', { status: 'active' });
      expect(restored.body).toEqual({ shardId: 'shard-2', status: 'active', previousStatus: 'draining' });
    }
    expect(await auditRows()).toEqual([
      { actor: 'it-admin', actor_role: 'admin', target: 'shard shard-2', result: 'ok', detail: { before: 'active', after: 'draining' } },
      { actor: 'it-admin', actor_role: 'admin', target: 'shard shard-2', result: 'ok', detail: { before: 'draining', after: 'active' } },
    ]);
  });

  it('refuses an unknown shard, an unsettable status and a retired shard', async () => {
    const unknown = await patchShard('shard-9', { status: 'draining' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('shardId');

    const retire = await patchShard('shard-2', { status: 'retired' });
    expect(retire.status).toBe(400);
    expect(retire.body.error.field).toBe('status');

    await withControl((client) => client.query(`update shards set status = 'retired' where id = 'shard-2'`));
    try {
      const retired = await patchShard('shard-2', { status: 'active' });
      expect(retired.status).toBe(409);
      expect(retired.body.error.field).toBe('status');
    } finally {
      await withControl((client) => client.query(`update shards set status = 'active' where id = 'shard-2'`));
    }
  });

  it("counts a tenant's active sessions as its load, on the tenant's shard", async () => {
    const busy = demoTenants.find((tenant) => tenant.shardId === 'shard-2' && tenant.layout === 'shared')!;
    const app = await connectAsApp(nodePort(2, 'primary'), `tenant:${busy.id}`);
    try {
      // Active while one sampling round reads the primary: one interval of active time.
      const running = app.query('select pg_sleep(1.5)');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sampleFleet();
      await running;
    } finally {
      await app.end();
    }
    const { status, body } = await balance('?window=1h&dimension=load');
    expect(status).toBe(200);
    const [quiet, loaded] = body.shards;
    expect(loaded.load).toBeGreaterThanOrEqual(SAMPLE_INTERVAL_S);
    expect(loaded.loadShare).toBe(1);
    expect(quiet).toMatchObject({ load: 0, loadShare: 0 });
    expect(loaded.heaviestByLoad[0]).toMatchObject({ tenantId: busy.id, name: busy.name, pinned: busy.pinned });
    expect(body.skew.load).toBeCloseTo(2, 9);
  });

  it('reads the load of complete hours from the hourly rollups, counting none twice', async () => {
    const tenant = demoTenants.find((candidate) => candidate.shardId === 'shard-1' && candidate.layout === 'shared' && !candidate.pinned)!;
    const hour = new Date(hourStart(new Date()).getTime() - 2 * 3600_000);
    const at = new Date(hour.getTime() + 10 * 60_000);
    const base = { at, measuredAt: at, shardId: 'shard-1', nodeId: 'shard-1-primary', pool: null, up: true, error: null };
    // One sampling round two hours ago, as the worker stored it, then the worker's rollup of that hour.
    await withControl(async (client) => {
      await insertSamples(
        client,
        [
          { ...base, kind: 'node', tenantId: null, v: { connections_total: 1 } },
          { ...base, kind: 'tenant', tenantId: tenant.id, v: { sessions: 1, active_seconds: 100 } },
        ],
        null,
      );
      await rollUpHour(client, hour, SAMPLE_INTERVAL_S);
    });
    const loadOf = async () => {
      const { body } = await balance('?window=6h&dimension=load');
      return body.shards.find((shard) => shard.shardId === 'shard-1')!.heaviestByLoad.find((row) => row.tenantId === tenant.id)?.load;
    };
    expect(await loadOf()).toBe(100);
    // Raw samples past retention are gone; the rollup still has the hour.
    await withControl((client) => client.query(`delete from metric_samples where kind = 'tenant' and tenant_id = $1 and at = $2`, [tenant.id, at]));
    expect(await loadOf()).toBe(100);
  });
});
