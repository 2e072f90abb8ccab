import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFleetEnv } from '@/lib/env';
import { findShard, getFleet } from '@/lib/fleet/topology';
import { createBoss } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import { liftFence } from '@/lib/rebalance/move-fence';
import { MOVED_SQLSTATE } from '@/lib/rebalance/move-model';
import { dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { runMove } from '@/lib/rebalance/move-runner';
import { createMove, MoveRefusedError, requestCancel } from '@/lib/rebalance/move-store';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { connectAsApp, eventually, nodePort, withSuperuser } from './sandbox';
import { directoryRow, startWriter } from './move-writer';
import { startWorker, stopWorker, withControl } from './workers';

/**
 * A logical tenant move run end to end on the sandbox (shard-1 → shard-2)
 * while a writer keeps inserting the tenant's orders wherever the directory
 * says, retrying on the fence's SQLSTATEs: nothing acknowledged is lost,
 * nothing is left behind, and a cancelled move leaves the tenant where it was.
 */

const MOVED = randomUUID();
const CANCELLED = randomUUID();
const BY_WORKER = randomUUID();
const TENANTS = [MOVED, CANCELLED, BY_WORKER];
const JOBS_SCHEMA = 'pgboss_it_moves';
const WRITER_BASE = 1_000_000;
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { timings: { pollMs: 200 } };

/** 1000 users, 3000 orders, 1000 events: about 5k rows. */
async function seedTenant(tenantId: string): Promise<void> {
  await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'starter', 'shard-1')`, [tenantId, `it-move-${tenantId}`]));
  await onShard(1, async (client) => {
    await client.query(`insert into app_users (tenant_id, email) select $1, 'u' || g || '@move.example' from generate_series(1, 1000) g`, [tenantId]);
    await client.query(`insert into orders (tenant_id, user_id, amount_cents) select $1, g % 100, g from generate_series(1, 3000) g`, [tenantId]);
    await client.query(`insert into events (tenant_id, kind) select $1, 'view' from generate_series(1, 1000) g`, [tenantId]);
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
    await client.query(`delete from tenants where id = any($1::uuid[])`, [TENANTS]);
  });
}

describe('tenant move runner (logical)', () => {
  beforeAll(async () => {
    await seedTenant(MOVED);
    await seedTenant(CANCELLED);
    await seedTenant(BY_WORKER);
  });
  afterAll(removeEverything, 120_000);

  it('refuses a move to the shard the tenant is on and a second live move of the same tenant', async () => {
    await expect(createMove(MOVED, 'shard-1', 'it')).rejects.toMatchObject({ reason: 'same_shard' });
    const moveId = await createMove(CANCELLED, 'shard-2', 'it');
    await expect(createMove(CANCELLED, 'shard-2', 'it')).rejects.toBeInstanceOf(MoveRefusedError);
    await withControl((client) => client.query(`delete from tenant_moves where id = $1`, [moveId]));
  });

  it('moves a tenant while an app writes to it: every acknowledged write on the target, nothing left on the source', async () => {
    const writer = startWriter(MOVED, WRITER_BASE, 'it-move-writer');
    await sleep(1_000);
    const moveId = await createMove(MOVED, 'shard-2', 'it');
    const phases: string[] = [];
    const outcome = await runMove(moveId, { ...FAST, onPhase: (phase) => void phases.push(phase) });
    await sleep(1_000);
    await writer.stop();

    expect(outcome).toEqual({ status: 'done', yielded: false });
    expect(phases).toEqual(['prepare', 'copy', 'catch_up', 'fence', 'drain', 'verify', 'switch', 'cleanup']);
    expect(writer.failures).toEqual([]);
    // The writer only re-reads its route when a shard refuses it: it started on shard-1 and ended on shard-2.
    expect(writer.staleRefusals()).toBeGreaterThan(0);
    expect(writer.acknowledged.length).toBeGreaterThan(100);
    expect(await directoryRow(MOVED)).toEqual({ shard_id: 'shard-2', status: 'active' });

    const written = await onShard(2, async (client) =>
      (await client.query(`select amount_cents::int as n from orders where tenant_id = $1 and amount_cents >= $2 order by amount_cents`, [MOVED, WRITER_BASE])).rows.map((row) => row.n),
    );
    expect(written).toEqual(writer.acknowledged);
    expect(await tenantCounts(2, MOVED)).toEqual({ app_users: 1000, orders: 3000 + writer.acknowledged.length, events: 1000 });
    expect(await tenantCounts(1, MOVED)).toEqual({ app_users: 0, orders: 0, events: 0 });
    expect(await shardscopeObjects()).toEqual([]);

    const app = await connectAsApp(nodePort(2, 'primary'), 'it-move-after');
    try {
      await expect(app.query(`insert into orders (tenant_id, amount_cents) values ($1, 1) returning id`, [MOVED])).resolves.toMatchObject({ rowCount: 1 });
    } finally {
      await app.end();
    }
    const move = await withControl(async (client) => (await client.query(`select status, phase, write_block_ms, fence_lsn, verification from tenant_moves where id = $1`, [moveId])).rows[0]);
    expect(move).toMatchObject({ status: 'done', phase: 'finished' });
    expect(move.write_block_ms).toBeGreaterThanOrEqual(0);
    expect(move.fence_lsn).not.toBeNull();
    expect((move.verification as { equal: boolean }[]).map((table) => table.equal)).toEqual([true, true, true]);
  }, 180_000);

  it('moves the tenant back to the shard it left, where its writes are taken again', async () => {
    const moveId = await createMove(MOVED, 'shard-1', 'it');
    expect(await runMove(moveId, FAST)).toEqual({ status: 'done', yielded: false });
    expect(await directoryRow(MOVED)).toEqual({ shard_id: 'shard-1', status: 'active' });
    const home = await connectAsApp(nodePort(1, 'primary'), 'it-move-back');
    const away = await connectAsApp(nodePort(2, 'primary'), 'it-move-back-stale');
    try {
      await expect(home.query(`insert into orders (tenant_id, amount_cents) values ($1, 2)`, [MOVED])).resolves.toMatchObject({ rowCount: 1 });
      await expect(away.query(`insert into orders (tenant_id, amount_cents) values ($1, 2)`, [MOVED])).rejects.toMatchObject({ code: MOVED_SQLSTATE });
    } finally {
      await home.end();
      await away.end();
    }
    expect(await tenantCounts(2, MOVED)).toEqual({ app_users: 0, orders: 0, events: 0 });
    expect(await shardscopeObjects()).toEqual([]);
  }, 120_000);

  it('rolls back a move cancelled as its copy starts: the tenant stays on its shard and writable, nothing on the target', async () => {
    const moveId = await createMove(CANCELLED, 'shard-2', 'it');
    const outcome = await runMove(moveId, {
      ...FAST,
      onPhase: async (phase) => {
        if (phase === 'prepare') await requestCancel(moveId, 'it-admin');
      },
    });
    expect(outcome.status).toBe('cancelled');
    expect(await directoryRow(CANCELLED)).toEqual({ shard_id: 'shard-1', status: 'active' });
    expect(await tenantCounts(2, CANCELLED)).toEqual({ app_users: 0, orders: 0, events: 0 });
    expect(await tenantCounts(1, CANCELLED)).toEqual({ app_users: 1000, orders: 3000, events: 1000 });
    expect(await shardscopeObjects()).toEqual([]);
    const app = await connectAsApp(nodePort(1, 'primary'), 'it-move-after-cancel');
    try {
      await expect(app.query(`insert into orders (tenant_id, amount_cents) values ($1, 1)`, [CANCELLED])).resolves.toMatchObject({ rowCount: 1 });
    } finally {
      await app.end();
    }
    const move = await withControl(async (client) => (await client.query(`select status, phase, error from tenant_moves where id = $1`, [moveId])).rows[0]);
    expect(move).toMatchObject({ status: 'cancelled', phase: 'finished', error: null });
  }, 120_000);

  it('runs a queued move on a worker process through its move-tenant job', async () => {
    const worker = startWorker({ SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA, SHARDSCOPE_SAMPLE_INTERVAL_S: '2' });
    const boss = createBoss(getFleet().control.url, { ...getFleetEnv(), SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA });
    boss.on('error', () => {});
    try {
      await eventually(async () => worker.output(), (output) => output.includes('[worker] running'), 60_000);
      await boss.start();
      const moveId = await createMove(BY_WORKER, 'shard-2', 'it');
      await boss.send(QUEUES.moveTenant, { moveId });
      const move = await eventually(
        () => withControl(async (client) => (await client.query(`select status, phase from tenant_moves where id = $1`, [moveId])).rows[0]),
        (row) => row.status !== 'queued' && row.status !== 'running',
        90_000,
      );
      expect(move, worker.output()).toEqual({ status: 'done', phase: 'finished' });
      expect(await directoryRow(BY_WORKER)).toEqual({ shard_id: 'shard-2', status: 'active' });
      expect(await tenantCounts(2, BY_WORKER)).toEqual({ app_users: 1000, orders: 3000, events: 1000 });
      expect(await tenantCounts(1, BY_WORKER)).toEqual({ app_users: 0, orders: 0, events: 0 });
      expect(await shardscopeObjects()).toEqual([]);
    } finally {
      await boss.stop({ graceful: false }).catch(() => {});
      await stopWorker(worker);
    }
  }, 180_000);
});
