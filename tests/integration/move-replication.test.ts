import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFleet } from '@/lib/fleet/topology';
import { compareTenantCatalogs, targetHasTenantRows } from '@/lib/rebalance/move-catalog';
import { replicationObjectNames } from '@/lib/rebalance/move-model';
import { appliedPast, copyProgress, replicationLag, waitUntilAppliedPast } from '@/lib/rebalance/move-progress';
import { createPublication, createSubscription, createTargetSchema, dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { TENANT_TABLES, createTenantSchema, dropTenantSchema, tenantSchemaName, tenantTableNames } from '@/lib/tenants/tenant-schema';
import { eventually, nodePort, withSuperuser } from './sandbox';

/**
 * A move's logical replication objects between the sandbox's shard-1 and
 * shard-2 primaries: the tenant's rows (and only them) copied and streamed,
 * both layouts, the catalog checks, and nothing left on either shard after
 * the drop, including in the middle of an initial copy.
 */

const SHARED = '5ea1ed00-0000-4000-8000-000000000001';
const NEIGHBOUR = '5ea1ed00-0000-4000-8000-000000000002';
const SCHEMA_TENANT = '5c4e3a00-0000-4000-8000-000000000003';
const ALTERED_TENANT = '5c4e3a00-0000-4000-8000-000000000004';
const STALLED = '5ea1ed00-0000-4000-8000-000000000005';
const SHARED_MOVE = '3a0e0000-0000-4000-8000-00000000000a';
const SCHEMA_MOVE = '3a0e0000-0000-4000-8000-00000000000b';
const STALLED_MOVE = '3a0e0000-0000-4000-8000-00000000000c';
const MOVES = [SHARED_MOVE, SCHEMA_MOVE, STALLED_MOVE];
const SHARED_TENANTS = [SHARED, NEIGHBOUR, STALLED];
const SCHEMAS = [tenantSchemaName(SCHEMA_TENANT), tenantSchemaName(ALTERED_TENANT)];

const STALL_LOCK_KEY = 7_340_001;
const STALL_TRIGGER_SQL = `
  create or replace function move_test_stall() returns trigger language plpgsql as $$
  begin
    if new.tenant_id = '%tenant' then perform pg_advisory_xact_lock_shared(${STALL_LOCK_KEY}); end if;
    return new;
  end $$;
  create or replace trigger move_test_stall before insert on events for each row execute function move_test_stall();
  alter table events enable always trigger move_test_stall;`;

const shard = (id: string) => getFleet().shards.find((candidate) => candidate.id === id)!;
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);

/** 500 users, 1000 orders, 500 events for one tenant, generated server-side. */
async function insertTenantRows(client: pg.Client, tenantId: string, schemaName: string | null): Promise<void> {
  const names = tenantTableNames(schemaName);
  await client.query(`insert into ${names.app_users} (tenant_id, email) select $1, 'user' || g || '@move.example' from generate_series(1, 500) g`, [tenantId]);
  await client.query(`insert into ${names.orders} (tenant_id, user_id, amount_cents) select $1, g % 50, 100 + g from generate_series(1, 1000) g`, [tenantId]);
  await client.query(
    `insert into ${names.events} (tenant_id, kind, payload) select $1, 'page_view', jsonb_build_object('n', g) from generate_series(1, 500) g`,
    [tenantId],
  );
}

async function tenantCounts(n: 1 | 2, tenantId: string, schemaName: string | null): Promise<Record<string, number>> {
  return onShard(n, async (client) => {
    const names = tenantTableNames(schemaName);
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) {
      counts[table] = (await client.query(`select count(*)::int as n from ${names[table]} where tenant_id = $1`, [tenantId])).rows[0].n;
    }
    return counts;
  });
}

async function currentLsn(n: 1 | 2): Promise<string> {
  return onShard(n, async (client) => (await client.query('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn);
}

async function removeEverything(): Promise<void> {
  for (const moveId of MOVES) await dropReplicationObjects(shard('shard-1'), shard('shard-2'), moveId);
  for (const n of [1, 2] as const) {
    await onShard(n, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [SHARED_TENANTS]);
      for (const schema of SCHEMAS) await dropTenantSchema(client, schema);
    });
  }
}

describe('move replication objects', () => {
  beforeAll(removeEverything);
  afterAll(async () => {
    await removeEverything();
    const leftovers = await Promise.all(['shard-1', 'shard-2'].map((id) => listShardscopeReplicationObjects(shard(id))));
    expect(leftovers.flatMap((objects) => [...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots])).toEqual([]);
  });

  it('finds the shared tenant tables equal on both shards and none of a new tenant’s rows on the target', async () => {
    await onShard(1, (client) => insertTenantRows(client, SHARED, null));
    await onShard(1, (client) => insertTenantRows(client, NEIGHBOUR, null));
    expect(await compareTenantCatalogs(shard('shard-1'), shard('shard-2'), null)).toEqual({ equal: true, differences: [] });
    expect(await targetHasTenantRows(shard('shard-2'), SHARED, null)).toEqual({ app_users: 0, orders: 0, events: 0 });
    expect(await targetHasTenantRows(shard('shard-1'), SHARED, null)).toEqual({ app_users: 500, orders: 1000, events: 500 });
  });

  it('copies only the moving tenant’s rows, then streams its inserts, updates and deletes', async () => {
    const [source, target] = [shard('shard-1'), shard('shard-2')];
    await createPublication(source, SHARED_MOVE, SHARED, null);
    await createPublication(source, SHARED_MOVE, SHARED, null);
    await createSubscription(target, source, SHARED_MOVE);
    await createSubscription(target, source, SHARED_MOVE);
    // Its apply worker flushes each commit itself, so drain sees the fence applied without waiting for the WAL writer.
    const { subscription } = replicationObjectNames(SHARED_MOVE);
    expect((await onShard(2, (client) => client.query(`select subsynccommit from pg_subscription where subname = $1`, [subscription]))).rows).toEqual([
      { subsynccommit: 'local' },
    ]);

    const progress = await eventually(() => copyProgress(target, SHARED_MOVE), (value) => value.ready, 45_000);
    expect(progress.tables.map((table) => [table.table, table.state])).toEqual([['app_users', 'r'], ['events', 'r'], ['orders', 'r']]);
    expect(await tenantCounts(2, SHARED, null)).toEqual({ app_users: 500, orders: 1000, events: 500 });
    expect(await tenantCounts(2, NEIGHBOUR, null)).toEqual({ app_users: 0, orders: 0, events: 0 });

    // Updates and deletes on the source work under the row filter (tenant_id is in the replica identity) and arrive.
    await onShard(1, async (client) => {
      await client.query(`insert into orders (tenant_id, amount_cents, status) values ($1, 4242, 'late')`, [SHARED]);
      await client.query(`update orders set status = 'paid' where tenant_id = $1 and id in (select id from orders where tenant_id = $1 order by id limit 10)`, [SHARED]);
      await client.query(`delete from events where tenant_id = $1 and id in (select id from events where tenant_id = $1 order by id limit 5)`, [SHARED]);
      await client.query(`insert into orders (tenant_id, amount_cents) values ($1, 1)`, [NEIGHBOUR]);
    });
    const written = await currentLsn(1);
    expect(await waitUntilAppliedPast(source, SHARED_MOVE, written, { timeoutMs: 30_000, pollMs: 50 })).toBe(true);
    expect(await appliedPast(source, SHARED_MOVE, written)).toBe(true);
    expect(await tenantCounts(2, SHARED, null)).toEqual({ app_users: 500, orders: 1001, events: 495 });
    // Far past anything the source has written: the wait gives up at its timeout instead of hanging.
    expect(await waitUntilAppliedPast(source, SHARED_MOVE, 'FFFFFFFF/0', { timeoutMs: 300, pollMs: 50 })).toBe(false);
    expect(await tenantCounts(2, NEIGHBOUR, null)).toEqual({ app_users: 0, orders: 0, events: 0 });
    const statuses = await onShard(2, async (client) =>
      (await client.query(`select status, count(*)::int as n from orders where tenant_id = $1 group by status order by status`, [SHARED])).rows,
    );
    expect(statuses).toEqual([{ status: 'late', n: 1 }, { status: 'open', n: 990 }, { status: 'paid', n: 10 }]);

    const lag = await eventually(() => replicationLag(source, SHARED_MOVE), (value) => value !== null && value.lagBytes < 64 * 1024, 30_000);
    expect(lag?.active).toBe(true);
  });

  it('lists the move’s objects, then drops them all, and dropping again changes nothing', async () => {
    const names = replicationObjectNames(SHARED_MOVE);
    const [onSource, onTarget] = await Promise.all([listShardscopeReplicationObjects(shard('shard-1')), listShardscopeReplicationObjects(shard('shard-2'))]);
    expect(onSource.publications).toEqual([names.publication]);
    expect(onSource.slots).toEqual([{ name: names.slot, active: true }]);
    expect(onTarget.subscriptions.map((subscription) => [subscription.name, subscription.slotName])).toEqual([[names.subscription, names.slot]]);

    await dropReplicationObjects(shard('shard-1'), shard('shard-2'), SHARED_MOVE);
    await dropReplicationObjects(shard('shard-1'), shard('shard-2'), SHARED_MOVE);
    for (const id of ['shard-1', 'shard-2']) {
      const objects = await listShardscopeReplicationObjects(shard(id));
      expect([...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]).toEqual([]);
    }
    // The target's copy stays (deleting it is cleanup's or rollback's): replication stopped, nothing more arrives.
    await onShard(1, (client) => client.query(`insert into orders (tenant_id, amount_cents) values ($1, 7)`, [SHARED]));
    expect((await tenantCounts(2, SHARED, null)).orders).toBe(1001);
  });

  it('moves a schema-layout tenant’s schema, created on the target from the same templates', async () => {
    const [source, target] = [shard('shard-1'), shard('shard-2')];
    const schema = tenantSchemaName(SCHEMA_TENANT);
    await onShard(1, async (client) => {
      await createTenantSchema(client, schema);
      await insertTenantRows(client, SCHEMA_TENANT, schema);
    });
    expect(await targetHasTenantRows(target, SCHEMA_TENANT, schema)).toEqual({ app_users: 0, orders: 0, events: 0 });
    expect((await compareTenantCatalogs(source, target, schema)).equal).toBe(false);
    await createTargetSchema(target, schema);
    expect(await compareTenantCatalogs(source, target, schema)).toEqual({ equal: true, differences: [] });

    await createPublication(source, SCHEMA_MOVE, SCHEMA_TENANT, schema);
    await createSubscription(target, source, SCHEMA_MOVE);
    await eventually(() => copyProgress(target, SCHEMA_MOVE), (value) => value.ready, 45_000);
    expect(await tenantCounts(2, SCHEMA_TENANT, schema)).toEqual({ app_users: 500, orders: 1000, events: 500 });

    await onShard(1, (client) => client.query(`insert into ${tenantTableNames(schema).events} (tenant_id, kind) values ($1, 'late')`, [SCHEMA_TENANT]));
    const written = await currentLsn(1);
    await eventually(() => appliedPast(source, SCHEMA_MOVE, written), (applied) => applied, 30_000);
    expect((await tenantCounts(2, SCHEMA_TENANT, schema)).events).toBe(501);

    await dropReplicationObjects(source, target, SCHEMA_MOVE);
    expect(await replicationLag(source, SCHEMA_MOVE)).toBeNull();
    expect((await copyProgress(target, SCHEMA_MOVE)).subscriptionExists).toBe(false);
  });

  it('explains in plain words how a tenant’s tables differ between the shards', async () => {
    const schema = tenantSchemaName(ALTERED_TENANT);
    await onShard(1, async (client) => {
      await createTenantSchema(client, schema);
      await client.query(`alter table ${tenantTableNames(schema).orders} add column discount_cents bigint`);
      await client.query(`alter table ${tenantTableNames(schema).app_users} alter column email type varchar(200)`);
    });
    await onShard(2, async (client) => {
      await createTenantSchema(client, schema);
      await client.query(`drop table ${tenantTableNames(schema).events}`);
    });
    const comparison = await compareTenantCatalogs(shard('shard-1'), shard('shard-2'), schema);
    expect(comparison.equal).toBe(false);
    expect(comparison.differences.sort()).toEqual([
      'app_users.email is character varying(200) on shard-1 but text on shard-2',
      'events is missing on shard-2',
      'orders on shard-2 lacks column discount_cents',
    ]);
  });

  it('drops a move stopped in the middle of its initial copy, table-sync slots included', async () => {
    const [source, target] = [shard('shard-1'), shard('shard-2')];
    await onShard(1, (client) => insertTenantRows(client, STALLED, null));
    await createPublication(source, STALLED_MOVE, STALLED, null);
    // The target's copy of events waits on an advisory lock this test holds: an ALWAYS
    // trigger fires in the table-sync worker's COPY, after its slot exists on the source.
    await onShard(2, async (holder) => {
      await holder.query(STALL_TRIGGER_SQL.replaceAll('%tenant', STALLED));
      await holder.query('select pg_advisory_lock($1)', [STALL_LOCK_KEY]);
      try {
        await createSubscription(target, source, STALLED_MOVE);
        const subscriptionOid = (await listShardscopeReplicationObjects(target)).subscriptions[0].oid;
        const stalled = await eventually(
          () => listShardscopeReplicationObjects(source),
          (objects) => objects.tableSyncSlots.some((slot) => slot.subscriptionOid === subscriptionOid),
          30_000,
        );
        expect(stalled.slots.map((slot) => slot.name)).toEqual([replicationObjectNames(STALLED_MOVE).slot]);
        const progress = await copyProgress(target, STALLED_MOVE);
        expect(progress.ready).toBe(false);
        const events = progress.tables.find((table) => table.table === 'events');
        expect(events?.state).toBe('d');
        expect(events?.copyingBytes).toBeGreaterThan(0);
        await dropReplicationObjects(source, target, STALLED_MOVE);
      } finally {
        await holder.query('select pg_advisory_unlock($1)', [STALL_LOCK_KEY]);
        await holder.query('drop trigger if exists move_test_stall on events; drop function if exists move_test_stall()');
      }
    });
    for (const id of ['shard-1', 'shard-2']) {
      const objects = await listShardscopeReplicationObjects(shard(id));
      expect([...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]).toEqual([]);
    }
  });
});
