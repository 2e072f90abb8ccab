import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findShard } from '@/lib/fleet/topology';
import { setSequencesPastMovedIds, verifyTenant, verifyTenantTable, type ChunkCursor, type TenantVerifyProgress } from '@/lib/rebalance/move-verify';
import { createTenantSchema, dropTenantSchema, tenantSchemaName, tenantTableNames } from '@/lib/tenants/tenant-schema';
import { nodePort, withSuperuser } from './sandbox';

/**
 * The verify phase's building blocks against the sandbox's two primaries: the
 * same rows written to both (explicit ids, as a finished copy leaves them),
 * then verified, altered on the target and verified again; the target's
 * identity sequences set past the moved ids.
 */

const TENANT = randomUUID();
// Another tenant on the target with higher ids: the shared sequence must pass them too.
const NEIGHBOUR = randomUUID();
const SCHEMA_TENANT = randomUUID();
const SCHEMA = tenantSchemaName(SCHEMA_TENANT);
// Far above anything other test files draw from the shared sequences, so the target's sequence is behind.
const BASE_ID = 50_000_000;
const NEIGHBOUR_ORDER_ID = 60_000_000;

const source = () => findShard('shard-1')!;
const target = () => findShard('shard-2')!;
const onSource = <T>(work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(1, 'primary'), work);
const onTarget = <T>(work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(2, 'primary'), work);

/** Deterministic rows with explicit ids (gaps included), as the copy phase would have left them on both sides. */
async function writeTenantRows(client: pg.Client, tenantId: string, schemaName: string | null, rows: { users: number; orders: number; events: number }) {
  const names = tenantTableNames(schemaName);
  await client.query(
    `insert into ${names.app_users} (tenant_id, id, email, created_at) overriding system value
     select $1, $2::bigint + g * 2, 'user' || g || '@verify.example', timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
     from generate_series(1, $3) g`,
    [tenantId, BASE_ID, rows.users],
  );
  await client.query(
    `insert into ${names.orders} (tenant_id, id, user_id, amount_cents, status, created_at, updated_at) overriding system value
     select $1, $2::bigint + g * 3, g % 17, 100 + g * 37 % 99000, case when g % 5 = 0 then 'refunded' else 'paid' end,
            timestamptz '2026-01-01 00:00:00.123456+00' + g * interval '1 second', timestamptz '2026-02-01 00:00:00+00'
     from generate_series(1, $3) g`,
    [tenantId, BASE_ID, rows.orders],
  );
  await client.query(
    `insert into ${names.events} (tenant_id, id, kind, payload, created_at) overriding system value
     select $1, $2::bigint + g, 'page_view', jsonb_build_object('n', g, 'path', '/orders/' || g, 'ratio', g / 7.0, 'tags', jsonb_build_array('a', g % 3)),
            timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour'
     from generate_series(1, $3) g`,
    [tenantId, BASE_ID, rows.events],
  );
}

async function deleteSharedRows(client: pg.Client) {
  for (const table of ['app_users', 'orders', 'events']) {
    await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [[TENANT, NEIGHBOUR]]);
  }
}

const ROWS = { users: 1_200, orders: 3_000, events: 1_500 };

describe('move verification', () => {
  beforeAll(async () => {
    for (const side of [onSource, onTarget]) {
      await side(async (client) => {
        await writeTenantRows(client, TENANT, null, ROWS);
        await createTenantSchema(client, SCHEMA);
        await writeTenantRows(client, SCHEMA_TENANT, SCHEMA, { users: 40, orders: 700, events: 0 });
      });
    }
  });

  afterAll(async () => {
    for (const side of [onSource, onTarget]) {
      await side(async (client) => {
        await deleteSharedRows(client);
        await dropTenantSchema(client, SCHEMA);
      });
    }
  });

  it('finds every table equal when both sides hold the same rows, in several chunks', async () => {
    const results = await verifyTenant(source(), target(), TENANT, null, { chunkRows: 500 });
    expect(results.map((result) => [result.table, result.sourceRows, result.targetRows, result.equal])).toEqual([
      ['app_users', 1_200, 1_200, true],
      ['orders', 3_000, 3_000, true],
      ['events', 1_500, 1_500, true],
    ]);
    expect(results.find((result) => result.table === 'orders')!.chunks).toBe(6);
    for (const result of results) expect(result.sourceHash).toBe(result.targetHash);
  });

  it('hashes timestamps alike when the two servers’ default time zones differ', async () => {
    await onTarget((client) => client.query(`alter database app set timezone = 'Asia/Kolkata'`));
    try {
      const { rows } = await onTarget((client) => client.query('show timezone'));
      expect(rows[0].TimeZone).toBe('Asia/Kolkata');
      const users = await verifyTenantTable(source(), target(), 'app_users', TENANT, null, { chunkRows: 500 });
      expect([users.targetRows, users.equal]).toEqual([1_200, true]);
    } finally {
      await onTarget((client) => client.query('alter database app reset timezone'));
    }
  });

  it('finds a schema-layout tenant equal, its empty table included', async () => {
    const results = await verifyTenant(source(), target(), SCHEMA_TENANT, SCHEMA, { chunkRows: 256 });
    expect(results.map((result) => [result.table, result.sourceRows, result.equal])).toEqual([
      ['app_users', 40, true],
      ['orders', 700, true],
      ['events', 0, true],
    ]);
    // The schema holds only its tenant: a shared-layout walk of the same id finds nothing on either side.
    const shared = await verifyTenantTable(source(), target(), 'orders', SCHEMA_TENANT, null);
    expect([shared.sourceRows, shared.targetRows, shared.equal]).toEqual([0, 0, true]);
  });

  it('gives the same result resumed from a mid-table cursor as in one pass', async () => {
    const cursors: ChunkCursor[] = [];
    const onePass = await verifyTenantTable(source(), target(), 'orders', TENANT, null, { chunkRows: 500, onProgress: (cursor) => void cursors.push(cursor) });
    const middle = JSON.parse(JSON.stringify(cursors[2])) as ChunkCursor;
    expect(middle.sourceRows).toBe(1_500);
    const resumedChunks: ChunkCursor[] = [];
    const resumed = await verifyTenantTable(source(), target(), 'orders', TENANT, null, { chunkRows: 500, resumeFrom: middle, onProgress: (cursor) => void resumedChunks.push(cursor) });
    expect(resumed).toEqual(onePass);
    // It continued from the cursor instead of starting over.
    expect(resumedChunks[0].sourceRows).toBe(2_000);

    const progress: TenantVerifyProgress[] = [];
    const whole = await verifyTenant(source(), target(), TENANT, null, { chunkRows: 500, onProgress: (step) => void progress.push(step) });
    const inOrders = progress.find((step) => step.current?.table === 'orders' && step.current.sourceRows === 1_000)!;
    expect(inOrders.finished.map((result) => result.table)).toEqual(['app_users']);
    expect(await verifyTenant(source(), target(), TENANT, null, { chunkRows: 500, resumeFrom: JSON.parse(JSON.stringify(inOrders)) })).toEqual(whole);
  });

  it('finds the table with one changed column unequal and the others equal', async () => {
    await onTarget((client) => client.query('update orders set amount_cents = amount_cents + 1 where tenant_id = $1 and id = $2', [TENANT, BASE_ID + 3 * 1_234]));
    const results = await verifyTenant(source(), target(), TENANT, null, { chunkRows: 500 });
    const orders = results.find((result) => result.table === 'orders')!;
    expect([orders.sourceRows, orders.targetRows, orders.equal]).toEqual([3_000, 3_000, false]);
    expect(orders.sourceHash).not.toBe(orders.targetHash);
    expect(results.filter((result) => result.table !== 'orders').every((result) => result.equal)).toBe(true);
  });

  it('hashes columns by name: equal when the target orders them differently, unequal on one changed value, refused on another column set', async () => {
    const tenant = randomUUID();
    const schema = tenantSchemaName(tenant);
    const names = tenantTableNames(schema);
    try {
      await onSource(async (client) => {
        await createTenantSchema(client, schema);
        await writeTenantRows(client, tenant, schema, { users: 10, orders: 600, events: 0 });
      });
      await onTarget(async (client) => {
        await createTenantSchema(client, schema);
        // Same names and types, every column in the opposite position (as a table rebuilt by hand could be).
        await client.query(`drop table ${names.orders}`);
        await client.query(`create table ${names.orders} as select updated_at, created_at, status, amount_cents, user_id, id, tenant_id from public.orders with no data`);
        await client.query(`alter table ${names.orders} add primary key (tenant_id, id)`);
        await writeTenantRows(client, tenant, schema, { users: 10, orders: 600, events: 0 });
      });
      const columnOrder = await onTarget(async (client) => (await client.query(`select attname from pg_attribute where attrelid = $1::regclass and attnum = 1`, [names.orders])).rows[0].attname);
      expect(columnOrder).toBe('updated_at');

      const same = await verifyTenantTable(source(), target(), 'orders', tenant, schema, { chunkRows: 250 });
      expect([same.sourceRows, same.targetRows, same.chunks, same.equal]).toEqual([600, 600, 3, true]);

      await onTarget((client) => client.query(`update ${names.orders} set status = 'paid!' where tenant_id = $1 and id = $2`, [tenant, BASE_ID + 3 * 321]));
      const changed = await verifyTenantTable(source(), target(), 'orders', tenant, schema, { chunkRows: 250 });
      expect([changed.sourceRows, changed.targetRows, changed.equal]).toEqual([600, 600, false]);

      await onTarget((client) => client.query(`alter table ${names.orders} add column note text`));
      await expect(verifyTenantTable(source(), target(), 'orders', tenant, schema)).rejects.toThrow(/columns .* on the source but .*note.* on the target/);
    } finally {
      for (const side of [onSource, onTarget]) await side((client) => dropTenantSchema(client, schema));
    }
  });

  it('counts a deleted row and a row only the target has', async () => {
    await onTarget((client) => client.query('delete from events where tenant_id = $1 and id = $2', [TENANT, BASE_ID + 700]));
    const events = await verifyTenantTable(source(), target(), 'events', TENANT, null, { chunkRows: 500 });
    expect([events.sourceRows, events.targetRows, events.equal]).toEqual([1_500, 1_499, false]);

    // Past the source's last id: found by the walk of the target's tail.
    await onTarget((client) => client.query(`insert into app_users (tenant_id, id, email) overriding system value values ($1, $2, 'extra@verify.example')`, [TENANT, BASE_ID + 10_000]));
    const users = await verifyTenantTable(source(), target(), 'app_users', TENANT, null, { chunkRows: 500 });
    expect([users.sourceRows, users.targetRows, users.equal]).toEqual([1_200, 1_201, false]);
  });

  it('sets the target’s shared sequences past every id in the table, so a default-id insert succeeds', async () => {
    await onTarget((client) =>
      client.query(`insert into orders (tenant_id, id, amount_cents) overriding system value values ($1, $2, 1)`, [NEIGHBOUR, NEIGHBOUR_ORDER_ID]),
    );
    const settings = await setSequencesPastMovedIds(target(), TENANT, null);
    const orders = settings.find((setting) => setting.table === 'orders')!;
    expect(orders).toMatchObject({ raised: true, maxId: String(NEIGHBOUR_ORDER_ID), nextAfter: String(NEIGHBOUR_ORDER_ID + 1) });
    expect(BigInt(orders.nextBefore)).toBeLessThan(BigInt(BASE_ID));
    for (const setting of settings) expect(BigInt(setting.nextAfter)).toBeGreaterThan(BigInt(setting.maxId));

    const inserted = await onTarget(async (client) => {
      const ids: Record<string, string> = {};
      for (const table of ['app_users', 'orders', 'events'] as const) {
        const values = table === 'app_users' ? `(tenant_id, email) values ($1, 'next@verify.example')` : table === 'orders' ? '(tenant_id, amount_cents) values ($1, 5)' : `(tenant_id, kind) values ($1, 'next')`;
        const { rows } = await client.query(`insert into ${table} ${values} returning id::text`, [TENANT]);
        const max = await client.query(`select max(id)::text as max_id from ${table} where id <> $1`, [rows[0].id]);
        expect(BigInt(rows[0].id)).toBeGreaterThan(BigInt(max.rows[0].max_id));
        ids[table] = rows[0].id;
      }
      return ids;
    });
    expect(inserted.orders).toBe(String(NEIGHBOUR_ORDER_ID + 1));

    // Again: already past every id, nothing moves.
    const again = await setSequencesPastMovedIds(target(), TENANT, null);
    for (const setting of again) expect([setting.raised, setting.nextAfter]).toEqual([false, setting.nextBefore]);
  });

  it('leaves the sequence of an empty table alone and never moves a sequence backwards', async () => {
    const settings = await setSequencesPastMovedIds(target(), SCHEMA_TENANT, SCHEMA);
    expect(settings.find((setting) => setting.table === 'events')).toMatchObject({ maxId: '0', raised: false, nextBefore: '1', nextAfter: '1' });
    expect(settings.find((setting) => setting.table === 'orders')).toMatchObject({ raised: true, nextAfter: String(BASE_ID + 3 * 700 + 1) });

    const ahead = 1_000_000_000;
    await onTarget((client) => client.query(`select setval(pg_get_serial_sequence($1, 'id'), $2)`, [`${SCHEMA}.orders`, ahead]));
    const after = await setSequencesPastMovedIds(target(), SCHEMA_TENANT, SCHEMA);
    expect(after.find((setting) => setting.table === 'orders')).toMatchObject({ raised: false, nextBefore: String(ahead + 1), nextAfter: String(ahead + 1) });
    const { rows } = await onTarget((client) => client.query(`insert into ${SCHEMA}.orders (tenant_id, amount_cents) values ($1, 1) returning id::text`, [SCHEMA_TENANT]));
    expect(rows[0].id).toBe(String(ahead + 1));
  });
});
