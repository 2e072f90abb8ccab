import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findShard } from '@/lib/fleet/topology';
import { liftFence, readFence } from '@/lib/rebalance/move-fence';
import { FORWARD_PHASES, type MovePhase } from '@/lib/rebalance/move-model';
import { dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { createMove, requestCancel } from '@/lib/rebalance/move-store';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { eventually, nodePort, withSuperuser } from './sandbox';
import { startWorker, stopWorker, withControl, type WorkerProcess } from './workers';

/**
 * A worker SIGKILLed in the middle of a tenant move (shard-1 → shard-2), at
 * every phase: the worker is made to stall there (SHARDSCOPE_MOVE_STALL_AT,
 * worker/move-handlers.ts) and killed; a fresh worker's sweep finds the
 * running move nobody runs, resumes it from its checkpoint, and the move
 * finishes with the tenant's rows in exactly one place, none doubled, and no
 * replication object left on either shard.
 *
 * 'after' a phase is the harder kill: the phase acted (subscription created,
 * fence committed, directory switched …) but the next checkpoint still names
 * it, so the resumed runner runs it again over its own work. 'before' (the
 * phase checkpointed, nothing done) is covered where acting twice would hurt
 * most: the fence and the switch.
 */

const JOBS_SCHEMA = 'pgboss_it_crash';
const SEEDED = { app_users: 300, orders: 1_200, events: 500 };
const CASES: { phase: MovePhase; when: 'before' | 'after' }[] = [
  ...FORWARD_PHASES.map((phase) => ({ phase, when: 'after' as const })),
  { phase: 'fence', when: 'before' },
  { phase: 'switch', when: 'before' },
];

const tenants: string[] = [];
const resumeTimes: string[] = [];
const workers = new Set<WorkerProcess>();

const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);
const shardNumber = (shardId: string) => Number(shardId.replace('shard-', '')) as 1 | 2;

async function seedTenant(tenantId: string): Promise<void> {
  await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'starter', 'shard-1')`, [tenantId, `it-crash-${tenantId}`]));
  await onShard(1, async (client) => {
    await client.query(`insert into app_users (tenant_id, email) select $1, 'u' || g || '@crash.example' from generate_series(1, $2::int) g`, [tenantId, SEEDED.app_users]);
    await client.query(`insert into orders (tenant_id, user_id, amount_cents) select $1, g % 100, g from generate_series(1, $2::int) g`, [tenantId, SEEDED.orders]);
    await client.query(`insert into events (tenant_id, kind) select $1, 'view' from generate_series(1, $2::int) g`, [tenantId, SEEDED.events]);
  });
}

/** Per table: the tenant's rows on the shard and how many distinct ids among them. */
async function tenantRows(n: 1 | 2, tenantId: string): Promise<Record<string, { rows: number; ids: number }>> {
  return onShard(n, async (client) => {
    const counts: Record<string, { rows: number; ids: number }> = {};
    for (const table of TENANT_TABLES) {
      const row = (await client.query(`select count(*)::int as rows, count(distinct id)::int as ids from ${table} where tenant_id = $1`, [tenantId])).rows[0];
      counts[table] = { rows: row.rows, ids: row.ids };
    }
    return counts;
  });
}

const seededRows = () => Object.fromEntries(Object.entries(SEEDED).map(([table, rows]) => [table, { rows, ids: rows }]));
const noRows = () => Object.fromEntries(TENANT_TABLES.map((table) => [table, { rows: 0, ids: 0 }]));

async function shardscopeObjects(): Promise<unknown[]> {
  const lists = await Promise.all(['shard-1', 'shard-2'].map((id) => listShardscopeReplicationObjects(findShard(id)!)));
  return lists.flatMap((objects) => [...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]);
}

const moveRow = (moveId: string) =>
  withControl(async (client) => (await client.query(`select status, phase, error from tenant_moves where id = $1`, [moveId])).rows[0] as { status: string; phase: string; error: string | null });

const directoryRow = (tenantId: string) =>
  withControl(async (client) => (await client.query(`select shard_id, status from tenants where id = $1`, [tenantId])).rows[0] as { shard_id: string; status: string });

function worker(env: Record<string, string> = {}): WorkerProcess {
  const started = startWorker({ SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA, SHARDSCOPE_SAMPLE_INTERVAL_S: '2', ...env });
  workers.add(started);
  return started;
}

async function stop(process: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await stopWorker(process, signal);
  workers.delete(process);
}

async function removeEverything(): Promise<void> {
  for (const running of [...workers]) await stop(running, 'SIGKILL');
  const moves = await withControl(async (client) => (await client.query(`select id from tenant_moves where tenant_id = any($1::uuid[])`, [tenants])).rows as { id: string }[]);
  for (const { id } of moves) await dropReplicationObjects(findShard('shard-1')!, findShard('shard-2')!, id);
  for (const n of [1, 2] as const) {
    for (const tenantId of tenants) await liftFence(findShard(`shard-${n}`)!, tenantId);
    await onShard(n, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [tenants]);
    });
  }
  await withControl(async (client) => {
    await client.query(`delete from tenant_moves where tenant_id = any($1::uuid[])`, [tenants]);
    await client.query(`delete from tenants where id = any($1::uuid[])`, [tenants]);
  });
  console.log(`[move-crash] resume after SIGKILL (new worker started → move finished):\n${resumeTimes.join('\n')}`);
}

/**
 * Seeds a tenant on shard-1, starts its move to shard-2 on a worker that
 * stalls at `phase`/`when`, SIGKILLs that worker there, runs `whileDead`,
 * then starts a plain worker and waits for the move to finish.
 */
async function killAndResume(phase: MovePhase, when: 'before' | 'after', whileDead: (moveId: string) => Promise<unknown> = async () => {}) {
  const tenantId = randomUUID();
  tenants.push(tenantId);
  await seedTenant(tenantId);
  const moveId = await createMove(tenantId, 'shard-2', 'it-crash');

  const stalled = worker({ SHARDSCOPE_MOVE_STALL_AT: `${phase}:${when}` });
  const stalledThere = eventually(async () => stalled.output(), (output) => output.includes(`[worker] move ${moveId}: stalled ${when} ${phase}`), 90_000);
  const exitedFirst = stalled.exited.then((code) => Promise.reject(new Error(`the worker exited (${code}) before it stalled`)));
  await Promise.race([stalledThere, exitedFirst]).catch((error) => {
    throw new Error(`${(error as Error).message}\n${stalled.output()}`);
  });
  await stop(stalled, 'SIGKILL');
  // Killed where intended: the checkpoint still names the phase (for 'after': it acted, the next one is not recorded).
  expect(await moveRow(moveId)).toMatchObject({ status: 'running', phase });
  await whileDead(moveId);

  const startedAt = Date.now();
  const resumer = worker();
  const resumedLine = `[worker] move ${moveId}: resumed`;
  try {
    // Resumed by the new worker's sweep: the dead worker's job would wait minutes for pg-boss to expire it.
    await eventually(async () => resumer.output(), (output) => output.includes(resumedLine), 60_000);
    const resumedAfter = Date.now() - startedAt;
    const move = await eventually(() => moveRow(moveId), (row) => row.status !== 'queued' && row.status !== 'running', 120_000);
    resumeTimes.push(`  ${`${when} ${phase}`.padEnd(15)} job sent after ${resumedAfter} ms, ${move.status} after ${Date.now() - startedAt} ms`);
    // While the resumed runner held the move, later sweeps of the same worker left it alone.
    expect(resumer.output().split(resumedLine).length - 1).toBe(1);
    return { tenantId, move, output: resumer.output() };
  } finally {
    await stop(resumer);
  }
}

/** The tenant's rows, as seeded, on the shard the directory names and nowhere else; no replication object and no fence left where it lives. */
async function expectTenantInOnePlace(tenantId: string, shardId: string): Promise<void> {
  expect(await directoryRow(tenantId)).toEqual({ shard_id: shardId, status: 'active' });
  const home = shardNumber(shardId);
  expect(await tenantRows(home, tenantId)).toEqual(seededRows());
  expect(await tenantRows(home === 1 ? 2 : 1, tenantId)).toEqual(noRows());
  expect(await shardscopeObjects()).toEqual([]);
  expect(await readFence(findShard(shardId)!, tenantId)).toBeNull();
}

describe('tenant move: worker SIGKILLed in each phase', () => {
  afterAll(removeEverything, 120_000);

  it.each(CASES.map((crash) => [`${crash.when} ${crash.phase}`, crash] as const))(
    'killed %s: a new worker resumes the move to the end, rows in one place, nothing left behind',
    async (_, { phase, when }) => {
      const { tenantId, move, output } = await killAndResume(phase, when);
      expect(move, output).toMatchObject({ status: 'done', phase: 'finished', error: null });
      await expectTenantInOnePlace(tenantId, 'shard-2');
    },
    240_000,
  );

  it('killed after fence and cancelled while no worker runs it: the new worker rolls it back, the tenant stays on its shard, unfenced', async () => {
    const { tenantId, move, output } = await killAndResume('fence', 'after', (moveId) => requestCancel(moveId, 'it-crash-admin'));
    expect(move, output).toMatchObject({ status: 'cancelled', phase: 'finished', error: null });
    await expectTenantInOnePlace(tenantId, 'shard-1');
  }, 240_000);
});
