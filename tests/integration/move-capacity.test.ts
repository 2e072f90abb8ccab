import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as moveRoute } from '@/app/api/tenants/[id]/move/route';
import { findShard } from '@/lib/fleet/topology';
import { checkMoveCapacity, readMoveCapacity } from '@/lib/rebalance/move-capacity';
import { listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { runMove } from '@/lib/rebalance/move-runner';
import { createMove } from '@/lib/rebalance/move-store';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { nodePort, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * A source without free replication slots: the capacity check names the
 * slots, the API refuses the move with a 409 and creates nothing, and a move
 * created anyway fails at the start of prepare with the same reason and
 * nothing on either shard. The slots are real (test_decoding), taken until
 * max_replication_slots is reached, and always dropped afterwards.
 */

const TENANT = randomUUID();
const FILLER_PREFIX = `it_capacity_${TENANT.slice(0, 8)}_`;
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);

async function fillSlots(): Promise<number> {
  return onShard(1, async (client) => {
    const { max, used } = (
      await client.query(`select current_setting('max_replication_slots')::int as max, (select count(*)::int from pg_replication_slots) as used`)
    ).rows[0];
    for (let i = used; i < max; i++) await client.query(`select pg_create_logical_replication_slot($1, 'test_decoding')`, [`${FILLER_PREFIX}${i}`]);
    return max - used;
  });
}

async function dropFillers(): Promise<void> {
  await onShard(1, async (client) => {
    const { rows } = await client.query<{ slot_name: string }>(`select slot_name from pg_replication_slots where starts_with(slot_name, $1)`, [FILLER_PREFIX]);
    for (const { slot_name } of rows) await client.query(`select pg_drop_replication_slot($1)`, [slot_name]);
  });
}

const movesOf = () => withControl(async (client) => (await client.query(`select id, status, error from tenant_moves where tenant_id = $1`, [TENANT])).rows);

async function postMove(body: unknown): Promise<{ status: number; body: { error?: { message: string }; moveId?: string } }> {
  const request = new NextRequest(`http://${CONSOLE_HOST}/api/tenants/${TENANT}/move`, {
    method: 'POST',
    headers: { host: CONSOLE_HOST, cookie: sessionCookie('admin'), 'content-type': 'application/json', origin: `http://${CONSOLE_HOST}` },
    body: JSON.stringify(body),
  });
  const response = await moveRoute(request, { params: Promise.resolve({ id: TENANT }) });
  return { status: response.status, body: await response.json() };
}

describe('move capacity', () => {
  beforeAll(async () => {
    await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'starter', 'shard-1')`, [TENANT, `it-capacity-${TENANT.slice(0, 8)}`]));
    await onShard(1, (client) => client.query(`insert into orders (tenant_id, amount_cents) select $1, g from generate_series(1, 50) g`, [TENANT]));
  });
  afterAll(async () => {
    await dropFillers();
    await onShard(1, (client) => client.query(`delete from orders where tenant_id = $1`, [TENANT]));
    await withControl(async (client) => {
      await client.query(`delete from tenant_moves where tenant_id = $1`, [TENANT]);
      await client.query(`delete from tenants where id = $1`, [TENANT]);
    });
  }, 120_000);

  it('finds room for a move on the idle sandbox', async () => {
    const capacity = await readMoveCapacity(findShard('shard-1')!, findShard('shard-2')!);
    expect(capacity.refusals).toEqual([]);
    expect(capacity.source.maxSlots).toBeGreaterThan(capacity.source.slotsInUse);
    expect(capacity.target.maxWorkers).toBeGreaterThanOrEqual(2);
  });

  it('refuses a move from a source without free replication slots, in the API and at prepare, creating nothing', async () => {
    expect(await fillSlots()).toBeGreaterThan(0);
    const reason = await checkMoveCapacity(findShard('shard-1')!, findShard('shard-2')!);
    expect(reason).toMatch(/shard-1 has 0 free replication slots .*max_replication_slots/);
    // The other direction needs slots on shard-2 only: still allowed.
    expect(await checkMoveCapacity(findShard('shard-2')!, findShard('shard-1')!)).toBeNull();

    const refused = await postMove({ targetShardId: 'shard-2', confirm: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error!.message).toContain('shard-1 has 0 free replication slots');
    expect(await movesOf()).toEqual([]);

    // A move that got queued before the slots ran out fails at prepare with the reason, before anything exists.
    const moveId = await createMove(TENANT, 'shard-2', 'it-capacity');
    const outcome = await runMove(moveId, { timings: { pollMs: 200 } });
    expect(outcome.status).toBe('failed');
    const [move] = await movesOf();
    expect(move).toMatchObject({ id: moveId, status: 'failed' });
    expect(move.error).toContain('shard-1 has 0 free replication slots');
    for (const shardId of ['shard-1', 'shard-2']) {
      const objects = await listShardscopeReplicationObjects(findShard(shardId)!);
      const names = [...objects.publications, ...objects.subscriptions.map((s) => s.name), ...objects.slots.map((s) => s.name)];
      expect(names.filter((name) => name.includes(moveId.replaceAll('-', '')))).toEqual([]);
    }
    const directory = await withControl(async (client) => (await client.query(`select shard_id, status from tenants where id = $1`, [TENANT])).rows[0]);
    expect(directory).toEqual({ shard_id: 'shard-1', status: 'active' });

    await dropFillers();
    expect(await checkMoveCapacity(findShard('shard-1')!, findShard('shard-2')!)).toBeNull();
  });
});
