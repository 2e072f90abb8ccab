import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getMoveRoute } from '@/app/api/moves/[id]/route';
import { POST as cancelRoute } from '@/app/api/moves/[id]/cancel/route';
import { GET as getRunRoute } from '@/app/api/rebalance/runs/[id]/route';
import { GET as listRunsRoute, POST as postRunRoute } from '@/app/api/rebalance/runs/route';
import { POST as moveRoute } from '@/app/api/tenants/[id]/move/route';
import { getFleetEnv } from '@/lib/env';
import { findShard, getFleet } from '@/lib/fleet/topology';
import { createBoss, ensureQueues } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import { liftFence } from '@/lib/rebalance/move-fence';
import { dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { sweepQueuedMoves } from '@/lib/rebalance/move-sweep';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { eventually, nodePort, withSuperuser } from './sandbox';
import { startWorker, stopWorker, withControl } from './workers';

/**
 * The moves API through the real route handlers, and a move started by the
 * API reaching a worker process (its sweep sends the job) and finishing:
 * validation, roles, refusals that create nothing, runs of a plan, cancel
 * before and after the switch, audit rows.
 */

type Role = 'viewer' | 'operator' | 'admin';

const MOVED = randomUUID();
const PINNED = randomUUID();
const IN_RUN = randomUUID();
const WAITING = randomUUID();
const TENANTS = [MOVED, PINNED, IN_RUN, WAITING];
const JOBS_SCHEMA = 'pgboss_it_moves_api';
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);
const runIds: string[] = [];

function request(path: string, role: Role, body?: unknown, method = body === undefined ? 'GET' : 'POST'): NextRequest {
  const mutation = method !== 'GET';
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, {
    method,
    headers: {
      host: CONSOLE_HOST,
      cookie: sessionCookie(role),
      ...(mutation ? { 'content-type': 'application/json', origin: `http://${CONSOLE_HOST}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const params = <P>(value: P) => ({ params: Promise.resolve(value) });
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

const postMove = async (tenantId: string, body: unknown, role: Role = 'admin') =>
  json(await moveRoute(request(`/api/tenants/${tenantId}/move`, role, body), params({ id: tenantId })));
const getMove = async (moveId: string) => json(await getMoveRoute(request(`/api/moves/${moveId}`, 'viewer'), params({ id: moveId })));
const cancelMove = async (moveId: string, role: Role = 'admin') =>
  json(await cancelRoute(request(`/api/moves/${moveId}/cancel`, role, undefined, 'POST'), params({ id: moveId })));
const postRun = async (body: unknown, role: Role = 'admin') => json(await postRunRoute(request('/api/rebalance/runs', role, body), params({})));

const movesOf = (tenantId: string) =>
  withControl(async (client) => (await client.query(`select id, status, run_id from tenant_moves where tenant_id = $1 order by created_at`, [tenantId])).rows);
const runCount = () => withControl(async (client) => (await client.query(`select count(*)::int as n from rebalance_runs`)).rows[0].n as number);

async function seedTenant(tenantId: string, name: string, pinned = false): Promise<void> {
  await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id, pinned) values ($1, $2, 'starter', 'shard-1', $3)`, [tenantId, name, pinned]));
  await onShard(1, async (client) => {
    await client.query(`insert into app_users (tenant_id, email) select $1, 'u' || g || '@moves-api.example' from generate_series(1, 200) g`, [tenantId]);
    await client.query(`insert into orders (tenant_id, user_id, amount_cents) select $1, g % 50, g from generate_series(1, 600) g`, [tenantId]);
    await client.query(`insert into events (tenant_id, kind) select $1, 'view' from generate_series(1, 200) g`, [tenantId]);
  });
}

async function tenantCounts(n: 1 | 2, tenantId: string): Promise<Record<string, number>> {
  return onShard(n, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) counts[table] = (await client.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId])).rows[0].n;
    return counts;
  });
}

async function shardscopeObjects(): Promise<unknown[]> {
  const lists = await Promise.all(['shard-1', 'shard-2'].map((id) => listShardscopeReplicationObjects(findShard(id)!)));
  return lists.flatMap((objects) => [...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]);
}

/** A plan as POST /api/rebalance/plan returns it (only what the run reads matters; the rest is stored as given). */
const planOf = (moves: { tenantId: string; name: string; from: string; to: string }[]) => ({
  request: { mode: 'balance', dimension: 'bytes', thresholdPct: 10, maxBytes: null, shardId: null },
  moves: moves.map((move) => ({ ...move, bytes: 1000, load: 0, reason: 'test' })),
  before: [],
  after: [],
  totals: { tenants: moves.length, bytes: 1000 * moves.length, load: 0 },
  skewBefore: 1,
  skewAfter: 1,
  withinThreshold: true,
  notes: [],
});

async function removeEverything(): Promise<void> {
  const moves = await withControl(async (client) => (await client.query(`select id from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS])).rows as { id: string }[]);
  for (const { id } of moves) await dropReplicationObjects(findShard('shard-1')!, findShard('shard-2')!, id);
  for (const n of [1, 2] as const) {
    for (const tenantId of TENANTS) await liftFence(findShard(`shard-${n}`)!, tenantId);
    await onShard(n, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [TENANTS]);
    });
  }
  await withControl(async (client) => {
    await client.query(`delete from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS]);
    await client.query(`delete from rebalance_runs where id = any($1::uuid[])`, [runIds]);
    await client.query(`delete from tenants where id = any($1::uuid[])`, [TENANTS]);
  });
}

describe('moves API', () => {
  beforeAll(async () => {
    await seedTenant(MOVED, `it-moves-api-moved-${MOVED.slice(0, 8)}`);
    await seedTenant(PINNED, `it-moves-api-pinned-${PINNED.slice(0, 8)}`, true);
    await seedTenant(IN_RUN, `it-moves-api-run-${IN_RUN.slice(0, 8)}`);
    await seedTenant(WAITING, `it-moves-api-waiting-${WAITING.slice(0, 8)}`);
  });
  afterAll(removeEverything, 120_000);

  it('refuses bad input with a 400 naming the field, a viewer with a 403, and creates nothing', async () => {
    const missing = await postMove(MOVED, { targetShardId: 'shard-2' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('confirm');
    expect((await postMove(MOVED, { targetShardId: 'shard-2', confirm: 'yes' })).body.error.field).toBe('confirm');
    const unknownStrategy = await postMove(MOVED, { targetShardId: 'shard-2', strategy: 'dump', confirm: true });
    expect(unknownStrategy.status).toBe(400);
    expect(unknownStrategy.body.error.field).toBe('strategy');
    expect((await postMove(MOVED, { targetShardId: 'Shard 2', confirm: true })).body.error.field).toBe('targetShardId');
    expect((await postMove(MOVED, { targetShardId: 'shard-2', confirm: true }, 'viewer')).status).toBe(403);
    expect((await postMove(MOVED, { targetShardId: 'shard-2', confirm: true }, 'operator')).status).toBe(403);
    expect((await postRun({ plan: planOf([{ tenantId: MOVED, name: 'x', from: 'shard-1', to: 'shard-2' }]) })).body.error.field).toBe('confirm');
    expect(await movesOf(MOVED)).toEqual([]);
  });

  it('refuses a pinned tenant, the shard it is on, an unknown tenant or shard with the reason, creating nothing', async () => {
    const pinned = await postMove(PINNED, { targetShardId: 'shard-2', confirm: true });
    expect(pinned.status).toBe(409);
    expect(pinned.body.error.message).toContain('pinned');
    expect(await movesOf(PINNED)).toEqual([]);
    expect((await postMove(MOVED, { targetShardId: 'shard-1', confirm: true })).body.error.message).toContain('already on shard-1');
    expect((await postMove(MOVED, { targetShardId: 'shard-9', confirm: true })).status).toBe(409);
    expect((await postMove(randomUUID(), { targetShardId: 'shard-2', confirm: true })).status).toBe(404);
    expect((await postMove('not-a-uuid', { targetShardId: 'shard-2', confirm: true })).status).toBe(404);
    expect(await movesOf(MOVED)).toEqual([]);
    const refused = await withControl(
      async (client) => (await client.query(`select result from audit_log where action = 'move.start' and target = $1`, [`tenant ${PINNED}`])).rows,
    );
    expect(refused).toEqual([{ result: 'refused' }]);
  });

  it('runs a plan only as it still stands: a refused move names its tenant and nothing is created', async () => {
    const before = await runCount();
    const withPinned = await postRun({
      confirm: true,
      plan: planOf([
        { tenantId: IN_RUN, name: 'in-run', from: 'shard-1', to: 'shard-2' },
        { tenantId: PINNED, name: 'pinned-one', from: 'shard-1', to: 'shard-2' },
      ]),
    });
    expect(withPinned.status).toBe(409);
    expect(withPinned.body.error.message).toContain(PINNED);
    const stale = await postRun({ confirm: true, plan: planOf([{ tenantId: IN_RUN, name: 'in-run', from: 'shard-2', to: 'shard-1' }]) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain(`(${IN_RUN}): the tenant is on shard-1 now, not shard-2 as planned`);
    expect((await postRun({ confirm: true, plan: planOf([{ tenantId: IN_RUN, name: 'in-run', from: 'shard-1', to: 'shard-2' }]) }, 'viewer')).status).toBe(403);
    expect(await runCount()).toBe(before);
    expect(await movesOf(IN_RUN)).toEqual([]);
  });

  it('creates a run with its queued moves, lists it, and cancels a move that has not started', async () => {
    const started = await postRun({ confirm: true, plan: planOf([{ tenantId: IN_RUN, name: 'in-run', from: 'shard-1', to: 'shard-2' }]) });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    runIds.push(runId);
    const [move] = await movesOf(IN_RUN);
    expect(move).toMatchObject({ status: 'queued', run_id: runId });

    const list = await json(await listRunsRoute(request('/api/rebalance/runs', 'viewer'), params({})));
    expect(list.body.runs[0]).toMatchObject({ id: runId, status: 'running', createdBy: 'it-admin', moves: 1, done: 0, failed: 0, finishedAt: null });
    const run = await json(await getRunRoute(request(`/api/rebalance/runs/${runId}`, 'viewer'), params({ id: runId })));
    expect(run.body).toMatchObject({ id: runId, status: 'running', moves: [{ id: move.id, tenantId: IN_RUN, sourceShardId: 'shard-1', targetShardId: 'shard-2', status: 'queued' }] });

    expect((await cancelMove(move.id, 'viewer')).status).toBe(403);
    const cancelled = await cancelMove(move.id);
    expect(cancelled).toEqual({ status: 202, body: { moveId: move.id, outcome: 'cancelled' } });
    expect((await getMove(move.id)).body).toMatchObject({ status: 'cancelled', phase: 'finished', cancelRequestedBy: 'it-admin' });
    expect((await cancelMove(move.id)).status).toBe(409);
    const audit = await withControl(
      async (client) =>
        (await client.query(`select action, result from audit_log where target = $1 or detail->>'moveId' = $2 order by id`, [`run ${runId}`, move.id])).rows,
    );
    expect(audit).toEqual([
      { action: 'rebalance_run.start', result: 'ok' },
      { action: 'move.cancel', result: 'ok' },
    ]);
  });

  it("sweeps queued moves onto pg-boss once each, one move out of and into a shard at a time", async () => {
    const boss = createBoss(getFleet().control.url, { ...getFleetEnv(), SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_moves_sweep' });
    boss.on('error', () => {});
    await boss.start();
    try {
      await ensureQueues(boss, 2);
      const first = (await postMove(IN_RUN, { targetShardId: 'shard-2', confirm: true })).body.moveId as string;
      const second = (await postMove(WAITING, { targetShardId: 'shard-2', confirm: true })).body.moveId as string;
      expect((await sweepQueuedMoves(boss, 'pgboss_it_moves_sweep')).started).toEqual([first]);
      expect(await boss.getJobById(QUEUES.moveTenant, first)).toMatchObject({ state: 'created', data: { moveId: first } });
      // Its job waits: nothing more is sent, and the second move (same source and target) keeps waiting.
      expect((await sweepQueuedMoves(boss, 'pgboss_it_moves_sweep')).started).toEqual([]);
      expect(await boss.getJobById(QUEUES.moveTenant, second)).toBeNull();
      expect((await cancelMove(first)).body.outcome).toBe('cancelled');
      await boss.deleteJob(QUEUES.moveTenant, first);
      expect((await sweepQueuedMoves(boss, 'pgboss_it_moves_sweep')).started).toEqual([second]);
      expect((await cancelMove(second)).body.outcome).toBe('cancelled');
    } finally {
      await boss.stop({ graceful: false }).catch(() => {});
    }
  });

  it('moves a tenant started through the API on a worker process, then refuses to cancel it', async () => {
    const worker = startWorker({ SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA, SHARDSCOPE_SAMPLE_INTERVAL_S: '2' });
    try {
      await eventually(async () => worker.output(), (output) => output.includes('[worker] running'), 60_000);
      const started = await postMove(MOVED, { targetShardId: 'shard-2', confirm: true });
      expect(started.status).toBe(202);
      const moveId = started.body.moveId as string;
      const move = await eventually(
        async () => (await getMove(moveId)).body,
        (body) => body.status !== 'queued' && body.status !== 'running',
        150_000,
      );
      expect(move, worker.output()).toMatchObject({
        id: moveId,
        tenantId: MOVED,
        sourceShardId: 'shard-1',
        targetShardId: 'shard-2',
        strategy: 'logical',
        phase: 'finished',
        status: 'done',
        error: null,
        rowsCopied: expect.any(Number),
        bytesCopied: expect.any(Number),
      });
      for (const key of ['bytesTotal', 'writeBlockMs', 'verification', 'startedAt', 'finishedAt']) expect(move, key).toHaveProperty(key);
      expect(move.writeBlockMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(move.finishedAt)).toBeGreaterThanOrEqual(Date.parse(move.startedAt));
      expect((move.verification as { equal: boolean }[]).map((table) => table.equal)).toEqual([true, true, true]);
      expect(await tenantCounts(2, MOVED)).toEqual({ app_users: 200, orders: 600, events: 200 });
      expect(await tenantCounts(1, MOVED)).toEqual({ app_users: 0, orders: 0, events: 0 });
      expect(await shardscopeObjects()).toEqual([]);

      const late = await cancelMove(moveId);
      expect(late.status).toBe(409);
      expect(late.body.error.message).toContain('a new move');
      const audit = await withControl(
        async (client) => (await client.query(`select action, result from audit_log where detail->>'moveId' = $1 or target = $2 order by id`, [moveId, `move ${moveId}`])).rows,
      );
      expect(audit).toEqual([
        { action: 'move.start', result: 'ok' },
        { action: 'move.cancel', result: 'refused' },
      ]);
      // The worker's sweep also closes the earlier run, whose only move was cancelled.
      const run = await eventually(
        async () => (await json(await getRunRoute(request(`/api/rebalance/runs/${runIds[0]}`, 'viewer'), params({ id: runIds[0] })))).body,
        (body) => body.status !== 'running',
        30_000,
      );
      expect(run).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
    } finally {
      await stopWorker(worker);
    }
  }, 240_000);
});
