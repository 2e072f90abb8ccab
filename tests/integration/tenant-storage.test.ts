import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFleet } from '@/lib/fleet/topology';
import { samplingSlot } from '@/lib/jobs/slots';
import { measureTenantStorage } from '@/lib/tenants/storage-measurement';
import { exactSharedTenantBytes } from '@/lib/tenants/storage-measurement-exact';
import { createTenantSchema, tenantSchemaName } from '@/lib/tenants/tenant-schema';
import { eventually, nodePort, sandbox, withSuperuser } from './sandbox';
import { startWorker, stopWorker, withControl, type WorkerProcess } from './workers';

/**
 * The storage measurement against the sandbox's shard 1, in process: tenants
 * of both layouts with known rows, registered in the control plane, measured
 * at synthetic slots three hours back (the worker test at the end measures
 * at the current slot), so nothing depends on the clock.
 */

// Fixed ids: where a tenant's keys sort in the shared primary-key index is the same every run.
const SHARED = 'a11ce000-0000-4000-8000-000000000001';
const NEIGHBOUR = 'b0b00000-0000-4000-8000-000000000002';
const EMPTY = 'e0e00000-0000-4000-8000-000000000003';
const SCHEMA_TENANT = 'c0c00000-0000-4000-8000-000000000004';
const ON_SHARD_2 = 'd0d00000-0000-4000-8000-000000000005';

const SLOT_S = 900;
const firstSlot = samplingSlot(new Date(Date.now() - 3 * 3600_000), SLOT_S);
const slot = (n: number) => new Date(firstSlot.getTime() + n * SLOT_S * 1000);
const shard = (id: string) => getFleet().shards.find((candidate) => candidate.id === id)!;

/** Rows generated server-side: `events` with a payload of `bodyBytes` of text, so row sizes differ between tenants. */
const INSERT_USERS = `insert into %s (tenant_id, email) select $1, 'user' || g || '@storage.example' from generate_series(1, $2) g`;
const INSERT_ORDERS = `insert into %s (tenant_id, user_id, amount_cents, status) select $1, g % 17, 100 + g * 37 % 99000, 'paid' from generate_series(1, $2) g`;
const INSERT_EVENTS = `
  insert into %s (tenant_id, kind, payload)
  select $1, 'page_view', jsonb_build_object('n', g, 'path', '/orders/' || g, 'body', repeat('x', $3::int))
  from generate_series(1, $2) g`;

async function insertRows(client: pg.Client, schema: string, tenantId: string, rows: { users: number; orders: number; events: number; bodyBytes: number }) {
  await client.query(INSERT_USERS.replace('%s', `${schema}.app_users`), [tenantId, rows.users]);
  await client.query(INSERT_ORDERS.replace('%s', `${schema}.orders`), [tenantId, rows.orders]);
  await client.query(INSERT_EVENTS.replace('%s', `${schema}.events`), [tenantId, rows.events, rows.bodyBytes]);
}

interface Latest {
  at: Date;
  measured_at: Date;
  storage_bytes: string;
  users: number;
  method: string;
}

async function latest(tenantId: string): Promise<Latest | undefined> {
  return withControl(async (client) => (await client.query<Latest>('select at, measured_at, storage_bytes, users, method from tenant_usage_latest where tenant_id = $1', [tenantId])).rows[0]);
}

async function sampleCount(tenantId: string): Promise<number> {
  return withControl(async (client) => (await client.query('select count(*)::int as n from tenant_usage_samples where tenant_id = $1', [tenantId])).rows[0].n);
}

const running: WorkerProcess[] = [];

describe('tenant storage measurement', () => {
  beforeAll(async () => {
    await withControl(async (client) => {
      await client.query(
        `insert into tenants (id, name, tier, shard_id, layout, schema_name)
         select id, name, 'starter', shard_id, layout, schema_name
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) as t (id, name, shard_id, layout, schema_name)`,
        [
          [SHARED, NEIGHBOUR, EMPTY, SCHEMA_TENANT, ON_SHARD_2],
          ['storage shared', 'storage neighbour', 'storage empty', 'storage schema', 'storage on shard 2'],
          ['shard-1', 'shard-1', 'shard-1', 'shard-1', 'shard-2'],
          ['shared', 'shared', 'shared', 'schema', 'shared'],
          [null, null, null, tenantSchemaName(SCHEMA_TENANT), null],
        ],
      );
    });
    await withSuperuser(nodePort(1, 'primary'), async (client) => {
      // Earlier test files seed and delete tenants in the shared tables: their dead
      // space would count in every share here. Start from compact tables, once the
      // replica's hot-standby feedback (sent every 10 s) no longer holds those dead
      // rows back: VACUUM FULL keeps whatever some snapshot may still see.
      const { rows } = await client.query<{ xid: string }>('select txid_current()::text as xid');
      await eventually(
        async () => (await client.query(`select bool_and(xmin is null or xmin::text::bigint >= $1) as clear from pg_replication_slots`, [rows[0].xid])).rows[0].clear,
        (clear) => clear !== false,
        30_000,
      );
      await client.query('vacuum full public.app_users, public.orders, public.events');
      // The neighbour first, with fewer but larger events and more orders: the shares must follow bytes and rows, not row counts alone.
      await insertRows(client, 'public', NEIGHBOUR, { users: 3, orders: 12_000, events: 8_000, bodyBytes: 400 });
      await insertRows(client, 'public', SHARED, { users: 17, orders: 1_500, events: 20_000, bodyBytes: 40 });
      await createTenantSchema(client, tenantSchemaName(SCHEMA_TENANT));
      await insertRows(client, tenantSchemaName(SCHEMA_TENANT), SCHEMA_TENANT, { users: 9, orders: 500, events: 2_000, bodyBytes: 100 });
    });
    await withSuperuser(nodePort(2, 'primary'), (client) => insertRows(client, 'public', ON_SHARD_2, { users: 4, orders: 10, events: 10, bodyBytes: 10 }));
  });

  afterAll(async () => {
    await Promise.all(running.map((worker) => stopWorker(worker, 'SIGKILL')));
    sandbox('start-node', 'shard-2-primary');
    await withControl((client) => client.query('drop schema if exists pgboss_it_storage cascade'));
  });

  it('measures every tenant of the shard: exact users, exact schema size, and shared bytes close to an exact copy', async () => {
    const report = await measureTenantStorage(shard('shard-1'), slot(0));
    expect(report.tenantsMeasured).toBeGreaterThanOrEqual(4);
    expect(report.samplesInserted).toBe(report.tenantsMeasured);
    expect(report.schemaTenants).toBeGreaterThanOrEqual(1);
    expect(report.rowsScanned.events).toBeGreaterThanOrEqual(28_000);

    const shared = (await latest(SHARED))!;
    expect(shared).toMatchObject({ at: slot(0), users: 17, method: 'apportioned' });
    expect((await latest(NEIGHBOUR))!.users).toBe(3);
    expect(await latest(EMPTY)).toMatchObject({ storage_bytes: '0', users: 0 });

    const schema = (await latest(SCHEMA_TENANT))!;
    expect(schema).toMatchObject({ users: 9, method: 'schema' });
    const schemaExact = await withSuperuser(nodePort(1, 'primary'), async (client) => {
      const { rows } = await client.query(
        `select sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))::bigint as bytes from pg_tables where schemaname = $1`,
        [tenantSchemaName(SCHEMA_TENANT)],
      );
      return Number(rows[0].bytes);
    });
    expect(Number(schema.storage_bytes)).toBe(schemaExact);

    // The exact measure: the tenant's rows copied on their own into fresh tables. The
    // estimate is the tenant's share of the shared tables as they are, so it carries
    // its share of their index bloat (a primary key filled in mixed key order packs
    // its pages less tightly than a fresh copy written in key order): it comes out
    // 7.4 % above the copy here (≈ 4.7 MB), and 6–7 % median, 9–11 % p95 (max 11.3 %)
    // above it for the demo's tenants over 1 MB in bench:tenant-storage (there the
    // whole events heap is exactly the size of a fresh copy; its primary key 1.76× larger).
    // 15 % is the stated error for a tenant over 1 MB.
    const exact = await withSuperuser(nodePort(1, 'primary'), (client) => exactSharedTenantBytes(client, SHARED));
    const error = (Number(shared.storage_bytes) - exact.total) / exact.total;
    expect(Math.abs(error), `estimate ${shared.storage_bytes} vs exact ${exact.total}`).toBeLessThan(0.15);
  });

  it('writes nothing twice when a slot is measured again (a retried job)', async () => {
    const before = (await latest(SHARED))!;
    const samplesBefore = await sampleCount(SHARED);
    const again = await measureTenantStorage(shard('shard-1'), slot(0));
    expect(again.samplesInserted).toBe(0);
    expect(again.latestUpdated).toBe(0);
    expect(await sampleCount(SHARED)).toBe(samplesBefore);
    expect(await latest(SHARED)).toEqual(before);
  });

  it('a later slot updates the latest measurement; an older slot late to finish does not', async () => {
    await withSuperuser(nodePort(1, 'primary'), (client) => insertRows(client, 'public', SHARED, { users: 3, orders: 0, events: 0, bodyBytes: 0 }));
    await measureTenantStorage(shard('shard-1'), slot(2));
    expect(await latest(SHARED)).toMatchObject({ at: slot(2), users: 20 });

    const late = await measureTenantStorage(shard('shard-1'), slot(1));
    expect(late.samplesInserted).toBe(late.tenantsMeasured);
    expect(late.latestUpdated).toBe(0);
    expect(await latest(SHARED)).toMatchObject({ at: slot(2), users: 20 });
    expect(await sampleCount(SHARED)).toBe(3);
  });

  it('fails cleanly when the shard is down and keeps the previous measurement (never zeros)', async () => {
    await measureTenantStorage(shard('shard-2'), slot(0));
    const before = (await latest(ON_SHARD_2))!;
    expect(before).toMatchObject({ users: 4 });
    expect(Number(before.storage_bytes)).toBeGreaterThan(0);

    sandbox('stop-node', 'shard-2-primary');
    try {
      await expect(measureTenantStorage(shard('shard-2'), slot(1))).rejects.toThrow();
    } finally {
      sandbox('start-node', 'shard-2-primary');
    }
    expect(await latest(ON_SHARD_2)).toEqual(before);
    expect(await sampleCount(ON_SHARD_2)).toBe(1);
  });

  it('runs in a real worker: each shard measured at the current slot', async () => {
    const intervalSeconds = 3;
    const worker = startWorker({ SHARDSCOPE_TENANT_STORAGE_INTERVAL_S: String(intervalSeconds), SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_storage' });
    running.push(worker);
    const startedAt = Date.now();
    const measured = await eventually(
      async () => [(await latest(SHARED))?.at, (await latest(ON_SHARD_2))?.at],
      (ats) => ats.every((at) => at !== undefined && at.getTime() >= samplingSlot(new Date(startedAt), intervalSeconds).getTime()),
      30_000,
    );
    expect(measured).toHaveLength(2);
    expect(await stopWorker(worker)).toBe(0);
    const failed = await withControl(
      async (client) => (await client.query(`select count(*)::int as n from pgboss_it_storage.job where name = 'measure-tenant-storage' and state = 'failed'`)).rows[0].n,
    );
    expect(failed, worker.output()).toBe(0);
  });
});
