import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as moveRoute } from '@/app/api/tenants/[id]/move/route';
import { findShard } from '@/lib/fleet/topology';
import { readFence } from '@/lib/rebalance/move-fence';
import { listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { runMove } from '@/lib/rebalance/move-runner';
import { createMove } from '@/lib/rebalance/move-store';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { nodePort, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * Moves that must not start, refused before anything exists: a pinned tenant,
 * a target missing one of the tenant tables (or a column of one), a target
 * without free replication origin slots (what a subscriber's workers take;
 * limited by max_replication_slots there), a source without free replication
 * slots. The API answers 409 with the reason; no tenant_moves row, no
 * replication object on either shard, no fence, the directory row untouched
 * (route version included). Every change made to a shard here is undone
 * exactly (renames back, fillers dropped): later test files share the sandbox.
 */

const PINNED = randomUUID();
const TENANT = randomUUID();
const TENANTS = [PINNED, TENANT];
const FILLER = `it_refusals_${TENANT.slice(0, 8)}_`;
const HIDDEN_EVENTS = `events_${FILLER}hidden`;
const HIDDEN_STATUS = `status_${FILLER}hidden`;
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);

async function postMove(tenantId: string, body: unknown): Promise<{ status: number; body: { moveId?: string; error?: { code: string; message: string } } }> {
  const request = new NextRequest(`http://${CONSOLE_HOST}/api/tenants/${tenantId}/move`, {
    method: 'POST',
    headers: { host: CONSOLE_HOST, cookie: sessionCookie('admin'), 'content-type': 'application/json', origin: `http://${CONSOLE_HOST}` },
    body: JSON.stringify(body),
  });
  const response = await moveRoute(request, { params: Promise.resolve({ id: tenantId }) });
  return { status: response.status, body: await response.json() };
}

async function seedTenant(tenantId: string, pinned: boolean): Promise<void> {
  await withControl((client) =>
    client.query(`insert into tenants (id, name, tier, shard_id, pinned) values ($1, $2, 'starter', 'shard-1', $3)`, [tenantId, `it-refusals-${tenantId.slice(0, 8)}`, pinned]),
  );
  await onShard(1, async (client) => {
    await client.query(`insert into app_users (tenant_id, email) select $1, 'u' || g || '@refusals.example' from generate_series(1, 50) g`, [tenantId]);
    await client.query(`insert into orders (tenant_id, amount_cents) select $1, g from generate_series(1, 150) g`, [tenantId]);
    await client.query(`insert into events (tenant_id, kind) select $1, 'view' from generate_series(1, 50) g`, [tenantId]);
  });
}

async function tenantCounts(n: 1 | 2, tenantId: string): Promise<Record<string, number>> {
  return onShard(n, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) {
      // A table hidden by the test holds nothing of the tenant's.
      if (!(await client.query(`select to_regclass($1) is not null as present`, [table])).rows[0].present) continue;
      counts[table] = (await client.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId])).rows[0].n;
    }
    return counts;
  });
}

/** What a refused move must leave exactly as it was (or never create). */
async function footprint(tenantId: string) {
  const directory = await withControl(
    async (client) => (await client.query(`select shard_id, status, pinned, route_version from tenants where id = $1`, [tenantId])).rows[0],
  );
  const moves = await withControl(async (client) => (await client.query(`select id, status from tenant_moves where tenant_id = $1`, [tenantId])).rows);
  const objects = await Promise.all(['shard-1', 'shard-2'].map((id) => listShardscopeReplicationObjects(findShard(id)!)));
  const fences = await Promise.all(['shard-1', 'shard-2'].map((id) => readFence(findShard(id)!, tenantId)));
  return {
    directory,
    moves,
    replicationObjects: objects.flatMap((shard) => [...shard.subscriptions, ...shard.publications, ...shard.slots, ...shard.tableSyncSlots]),
    fences,
    rows: { 'shard-1': await tenantCounts(1, tenantId), 'shard-2': await tenantCounts(2, tenantId) },
  };
}

/** POSTs the move, expects a 409 naming `reason`, and that nothing at all changed; returns the message. */
async function expectRefusedBeforeAnything(tenantId: string, reason: string | RegExp): Promise<string> {
  const before = await footprint(tenantId);
  expect(before).toMatchObject({ moves: [], replicationObjects: [], fences: [null, null] });
  const refused = await postMove(tenantId, { targetShardId: 'shard-2', confirm: true });
  expect(refused.status, JSON.stringify(refused.body)).toBe(409);
  expect(refused.body.error!.message).toMatch(reason);
  expect(await footprint(tenantId)).toEqual(before);
  const audit = await withControl(
    async (client) =>
      (await client.query(`select result, detail->>'reason' as reason from audit_log where action = 'move.start' and target = $1 order by id desc limit 1`, [`tenant ${tenantId}`]))
        .rows[0],
  );
  expect(audit).toEqual({ result: 'refused', reason: refused.body.error!.message });
  return refused.body.error!.message;
}

/** Renames on shard-2 that the test undoes exactly; each is undone only when it is in place. */
async function hideEventsOnTarget(hidden: boolean): Promise<void> {
  await onShard(2, async (client) => {
    const present = async (name: string) => (await client.query(`select to_regclass($1) is not null as present`, [`public.${name}`])).rows[0].present as boolean;
    if (hidden && (await present('events'))) await client.query(`alter table public.events rename to ${HIDDEN_EVENTS}`);
    if (!hidden && (await present(HIDDEN_EVENTS))) await client.query(`alter table public.${HIDDEN_EVENTS} rename to events`);
  });
}

async function renameOrdersStatusOnTarget(renamed: boolean): Promise<void> {
  await onShard(2, async (client) => {
    const has = async (column: string) =>
      (await client.query(`select 1 from pg_attribute where attrelid = 'public.orders'::regclass and attname = $1 and not attisdropped`, [column])).rowCount! > 0;
    if (renamed && (await has('status'))) await client.query(`alter table public.orders rename column status to ${HIDDEN_STATUS}`);
    if (!renamed && (await has(HIDDEN_STATUS))) await client.query(`alter table public.orders rename column ${HIDDEN_STATUS} to status`);
  });
}

/**
 * Takes replication origin slots on shard-2 until one is left (a move needs
 * two): origins advanced once hold a slot until dropped, as a subscription's do.
 */
async function fillTargetOrigins(): Promise<number> {
  return onShard(2, async (client) => {
    const { max, used } = (
      await client.query(`select current_setting('max_replication_slots')::int as max, (select count(*)::int from pg_replication_origin_status) as used`)
    ).rows[0];
    for (let i = used; i < max - 1; i++) {
      await client.query(`select pg_replication_origin_create($1)`, [`${FILLER}${i}`]);
      await client.query(`select pg_replication_origin_advance($1, '0/1')`, [`${FILLER}${i}`]);
    }
    return max - 1 - used;
  });
}

async function dropTargetOrigins(): Promise<void> {
  await onShard(2, async (client) => {
    const { rows } = await client.query<{ roname: string }>(`select roname from pg_replication_origin where starts_with(roname, $1)`, [FILLER]);
    for (const { roname } of rows) await client.query(`select pg_replication_origin_drop($1)`, [roname]);
  });
}

/** Physical slots on shard-1 (reserving no WAL) until one is left: physical slots count against max_replication_slots too. */
async function fillSourceSlots(): Promise<number> {
  return onShard(1, async (client) => {
    const { max, used } = (
      await client.query(`select current_setting('max_replication_slots')::int as max, (select count(*)::int from pg_replication_slots) as used`)
    ).rows[0];
    for (let i = used; i < max - 1; i++) await client.query(`select pg_create_physical_replication_slot($1)`, [`${FILLER}${i}`]);
    return max - 1 - used;
  });
}

async function dropSourceSlots(): Promise<void> {
  await onShard(1, async (client) => {
    const { rows } = await client.query<{ slot_name: string }>(`select slot_name from pg_replication_slots where starts_with(slot_name, $1)`, [FILLER]);
    for (const { slot_name } of rows) await client.query(`select pg_drop_replication_slot($1)`, [slot_name]);
  });
}

/** The target's catalog as later files expect it: compared before and after this file. */
const targetCatalog = () =>
  onShard(2, async (client) => {
    const { rows } = await client.query(
      `select c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type
       from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       where c.relnamespace = 'public'::regnamespace and c.relname = any($1::text[])
       order by c.relname, a.attnum`,
      [TENANT_TABLES],
    );
    return rows;
  });

describe('move refusals', () => {
  let catalogBefore: unknown[] = [];

  beforeAll(async () => {
    catalogBefore = await targetCatalog();
    await seedTenant(PINNED, true);
    await seedTenant(TENANT, false);
  });

  afterAll(async () => {
    await hideEventsOnTarget(false);
    await renameOrdersStatusOnTarget(false);
    await dropTargetOrigins();
    await dropSourceSlots();
    expect(await targetCatalog()).toEqual(catalogBefore);
    for (const n of [1, 2] as const) {
      await onShard(n, async (client) => {
        for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [TENANTS]);
      });
    }
    await withControl(async (client) => {
      await client.query(`delete from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS]);
      await client.query(`delete from tenants where id = any($1::uuid[])`, [TENANTS]);
    });
  }, 120_000);

  it('refuses to move a pinned tenant, saying it is pinned', async () => {
    await expectRefusedBeforeAnything(PINNED, `tenant ${PINNED} is pinned to shard-1: unpin it before moving it`);
  });

  it('refuses a move to a target missing one of the tenant tables, naming the table and the shard', async () => {
    await hideEventsOnTarget(true);
    try {
      await expectRefusedBeforeAnything(TENANT, 'the tenant tables differ between shard-1 and shard-2: events is missing on shard-2');
    } finally {
      await hideEventsOnTarget(false);
    }
  });

  it('refuses a move to a target whose table lacks a column, naming the column on each side', async () => {
    await renameOrdersStatusOnTarget(true);
    try {
      const message = await expectRefusedBeforeAnything(TENANT, 'orders on shard-2 lacks column status');
      expect(message).toContain(`orders on shard-1 lacks column ${HIDDEN_STATUS}`);
    } finally {
      await renameOrdersStatusOnTarget(false);
    }
  });

  it('fails a move queued before the table went missing at prepare, with the reason, before anything exists on the shards', async () => {
    const moveId = await createMove(TENANT, 'shard-2', 'it-refusals');
    await hideEventsOnTarget(true);
    try {
      const before = await footprint(TENANT);
      expect(before).toMatchObject({ replicationObjects: [], fences: [null, null] });
      expect(await runMove(moveId, { timings: { pollMs: 200 } })).toEqual({ status: 'failed', yielded: false });
      const move = await withControl(async (client) => (await client.query(`select status, phase, error from tenant_moves where id = $1`, [moveId])).rows[0]);
      expect(move).toMatchObject({ status: 'failed', phase: 'finished' });
      expect(move.error).toContain('events is missing on shard-2');
      expect(await footprint(TENANT)).toEqual({ ...before, moves: [{ id: moveId, status: 'failed' }] });
    } finally {
      await hideEventsOnTarget(false);
      await withControl((client) => client.query(`delete from tenant_moves where id = $1`, [moveId]));
    }
  });

  it('refuses a move to a target without free replication origin slots, where its subscription could never start', async () => {
    expect(await fillTargetOrigins()).toBeGreaterThan(0);
    try {
      await expectRefusedBeforeAnything(TENANT, /shard-2 has 1 free replication origin slots \(\d+ of \d+ in use; .*max_replication_slots.*\); a move needs 2/);
    } finally {
      await dropTargetOrigins();
    }
  });

  it('refuses a move from a source without free replication slots', async () => {
    expect(await fillSourceSlots()).toBeGreaterThan(0);
    try {
      await expectRefusedBeforeAnything(TENANT, /shard-1 has 1 free replication slots \(\d+ of max_replication_slots \d+ in use\); a move needs 2/);
    } finally {
      await dropSourceSlots();
    }
  });
});
