import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findShard } from '@/lib/fleet/topology';
import { copyTenantTable, withCopySides } from '@/lib/rebalance/move-copy';
import { liftFence, readFence } from '@/lib/rebalance/move-fence';
import { listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { runMove } from '@/lib/rebalance/move-runner';
import { createMove, requestCancel } from '@/lib/rebalance/move-store';
import { TENANT_TABLES, createTenantSchema, dropTenantSchema, tenantSchemaName, tenantTableNames } from '@/lib/tenants/tenant-schema';
import { directoryRow, startWriter } from './move-writer';
import { connectAsApp, nodePort, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * Tenant moves by the copy strategy on the sandbox (shard-1 → shard-2): the
 * tenant fenced first, its rows streamed by COPY, verified, switched. No
 * publication, subscription or slot is created at any point; an app writing
 * through the fence loses nothing; a copy stopped halfway and resumed leaves
 * no duplicate; a cancel before the switch leaves the tenant where it was.
 */

const MOVED = randomUUID();
const SCHEMA_TENANT = randomUUID();
const SCHEMA = tenantSchemaName(SCHEMA_TENANT);
const RESUMED = randomUUID();
const CANCELLED = randomUUID();
const OCCUPIED = randomUUID();
const TENANTS = [MOVED, SCHEMA_TENANT, RESUMED, CANCELLED, OCCUPIED];
const WRITER_BASE = 1_000_000;
const MEASURED_BYTES = 7_654_321;
const SEEDED = { app_users: 1000, orders: 3000, events: 1000 };
const NOTHING = { app_users: 0, orders: 0, events: 0 };
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { timings: { pollMs: 200 } };
const shard = (n: 1 | 2) => findShard(`shard-${n}`)!;

/**
 * 1000 users, 3000 orders, 1000 events: about 5k rows. Some values carry what
 * COPY's text format must escape (newline, tab, backslash) and a NULL.
 */
async function seedTenant(tenantId: string, schemaName: string | null = null): Promise<void> {
  await withControl((client) =>
    client.query(`insert into tenants (id, name, tier, shard_id, layout, schema_name) values ($1, $2, 'starter', 'shard-1', $3, $4)`, [
      tenantId,
      `it-copy-${tenantId}`,
      schemaName === null ? 'shared' : 'schema',
      schemaName,
    ]),
  );
  const names = tenantTableNames(schemaName);
  await onShard(1, async (client) => {
    if (schemaName !== null) await createTenantSchema(client, schemaName);
    await client.query(`insert into ${names.app_users} (tenant_id, email) select $1, 'u' || g || E'\\t@copy.example' from generate_series(1, 1000) g`, [tenantId]);
    await client.query(
      `insert into ${names.orders} (tenant_id, user_id, amount_cents) select $1, case when g % 10 = 0 then null else g % 100 end, g from generate_series(1, 3000) g`,
      [tenantId],
    );
    await client.query(
      `insert into ${names.events} (tenant_id, kind, payload) select $1, E'view\\nline two', jsonb_build_object('path', E'C:\\\\x\\n', 'n', g) from generate_series(1, 1000) g`,
      [tenantId],
    );
  });
}

async function tenantCounts(n: 1 | 2, tenantId: string, schemaName: string | null = null): Promise<Record<string, number>> {
  return onShard(n, async (client) => {
    const counts: Record<string, number> = {};
    if (schemaName !== null && !(await client.query(`select 1 from pg_namespace where nspname = $1`, [schemaName])).rowCount) return NOTHING;
    const names = tenantTableNames(schemaName);
    for (const table of TENANT_TABLES) counts[table] = (await client.query(`select count(*)::int as n from ${names[table]} where tenant_id = $1`, [tenantId])).rows[0].n;
    return counts;
  });
}

async function shardscopeObjects(): Promise<unknown[]> {
  const lists = await Promise.all([shard(1), shard(2)].map((config) => listShardscopeReplicationObjects(config)));
  return lists.flatMap((objects) => [...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]);
}

/** Looks for replication objects every 100 ms while a move runs: the copy strategy must never create one. */
function watchReplicationObjects() {
  const seen: unknown[] = [];
  let watching = true;
  const done = (async () => {
    while (watching) {
      seen.push(...(await shardscopeObjects()));
      await sleep(100);
    }
  })();
  return {
    seen,
    stop: async () => {
      watching = false;
      await done;
    },
  };
}


const moveRow = (moveId: string) =>
  withControl(
    async (client) =>
      (
        await client.query(
          `select status, phase, error, write_block_ms, fenced_at, bytes_total::int8::text as bytes_total, bytes_copied::int8::text as bytes_copied, rows_copied::int8::text as rows_copied, verification, checkpoint
           from tenant_moves where id = $1`,
          [moveId],
        )
      ).rows[0],
  );


async function appInsertSucceeds(n: 1 | 2, tenantId: string, schemaName: string | null = null): Promise<void> {
  const app = await connectAsApp(nodePort(n, 'primary'), 'it-copy-after');
  try {
    await expect(app.query(`insert into ${tenantTableNames(schemaName).orders} (tenant_id, amount_cents) values ($1, 1) returning id`, [tenantId])).resolves.toMatchObject({
      rowCount: 1,
    });
  } finally {
    await app.end();
  }
}

async function removeEverything(): Promise<void> {
  for (const n of [1, 2] as const) {
    for (const tenantId of TENANTS) await liftFence(shard(n), tenantId);
    await onShard(n, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [TENANTS]);
      await dropTenantSchema(client, SCHEMA);
    });
  }
  await withControl(async (client) => {
    await client.query(`delete from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS]);
    await client.query(`delete from tenants where id = any($1::uuid[])`, [TENANTS]);
  });
}

describe('tenant move runner (copy strategy)', () => {
  beforeAll(async () => {
    for (const tenantId of [MOVED, RESUMED, CANCELLED, OCCUPIED]) await seedTenant(tenantId);
    await seedTenant(SCHEMA_TENANT, SCHEMA);
    await withControl((client) =>
      client.query(
        `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method) values ($1, 'shard-1', now(), now(), $2, 1000, 'apportioned')`,
        [MOVED, MEASURED_BYTES],
      ),
    );
  });
  afterAll(removeEverything, 120_000);

  it('moves a tenant by COPY while an app writes to it: every acknowledged write on the target, none on the source, no replication object ever', async () => {
    const writer = startWriter(MOVED, WRITER_BASE, 'it-copy-writer');
    const watcher = watchReplicationObjects();
    await sleep(1_000);
    const moveId = await createMove(MOVED, 'shard-2', 'it', { strategy: 'copy' });
    const phases: string[] = [];
    const outcome = await runMove(moveId, { ...FAST, onPhase: (phase) => void phases.push(phase) });
    await sleep(1_000);
    await writer.stop();
    await watcher.stop();

    expect(outcome).toEqual({ status: 'done', yielded: false });
    expect(phases).toEqual(['prepare', 'fence', 'copy', 'verify', 'switch', 'cleanup']);
    expect(watcher.seen).toEqual([]);
    expect(await shardscopeObjects()).toEqual([]);
    expect(writer.failures).toEqual([]);
    // The fence held the writer for the copy and the switch sent it on: it started on shard-1 and ended on shard-2.
    expect(writer.staleRefusals()).toBeGreaterThan(0);
    expect(writer.acknowledged.length).toBeGreaterThan(100);
    expect(await directoryRow(MOVED)).toEqual({ shard_id: 'shard-2', status: 'active' });

    const written = await onShard(2, async (client) =>
      (await client.query(`select amount_cents::int as n from orders where tenant_id = $1 and amount_cents >= $2 order by amount_cents`, [MOVED, WRITER_BASE])).rows.map((row) => row.n),
    );
    expect(written).toEqual(writer.acknowledged);
    expect(await tenantCounts(2, MOVED)).toEqual({ ...SEEDED, orders: SEEDED.orders + writer.acknowledged.length });
    expect(await tenantCounts(1, MOVED)).toEqual(NOTHING);
    await appInsertSucceeds(2, MOVED);

    const move = await moveRow(moveId);
    expect(move).toMatchObject({ status: 'done', phase: 'finished', error: null, bytes_total: String(MEASURED_BYTES) });
    expect(move.write_block_ms).toBeGreaterThan(0);
    const verification = move.verification as { table: string; sourceRows: number; equal: boolean }[];
    expect(verification.map((table) => [table.table, table.equal])).toEqual([
      ['app_users', true],
      ['orders', true],
      ['events', true],
    ]);
    // Every row the fenced source held was streamed once.
    expect(Number(move.rows_copied)).toBe(verification.reduce((sum, table) => sum + table.sourceRows, 0));
    expect((move.checkpoint.copy as { bytesStreamed: number }).bytesStreamed).toBeGreaterThan(0);
  }, 180_000);

  it('moves a schema-layout tenant by COPY into its schema created on the target, and drops it on the source', async () => {
    const watcher = watchReplicationObjects();
    const moveId = await createMove(SCHEMA_TENANT, 'shard-2', 'it', { strategy: 'copy' });
    const outcome = await runMove(moveId, FAST);
    await watcher.stop();

    expect(outcome).toEqual({ status: 'done', yielded: false });
    expect(watcher.seen).toEqual([]);
    expect(await directoryRow(SCHEMA_TENANT)).toEqual({ shard_id: 'shard-2', status: 'active' });
    expect(await tenantCounts(2, SCHEMA_TENANT, SCHEMA)).toEqual(SEEDED);
    expect(await onShard(1, async (client) => (await client.query(`select 1 from pg_namespace where nspname = $1`, [SCHEMA])).rowCount)).toBe(0);
    expect(((await moveRow(moveId)).verification as { equal: boolean }[]).map((table) => table.equal)).toEqual([true, true, true]);
    await appInsertSucceeds(2, SCHEMA_TENANT, SCHEMA);
  }, 120_000);

  it('resumes a copy stopped halfway without duplicating a row: what the stopped copy left on the target is copied again', async () => {
    const moveId = await createMove(RESUMED, 'shard-2', 'it', { strategy: 'copy' });
    const crash = new Error('worker killed as the copy began');
    await expect(
      runMove(moveId, {
        ...FAST,
        onPhaseStart: (phase) => {
          if (phase === 'copy') throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await moveRow(moveId)).toMatchObject({ status: 'running', phase: 'copy' });
    expect((await readFence(shard(1), RESUMED))?.state).toBe('fenced');

    // What a killed copy leaves: app_users committed on the target before its checkpoint was written, and part of orders.
    await withCopySides(shard(1), shard(2), 60_000, (sides) => copyTenantTable(sides, 'app_users', RESUMED, null, async () => {}));
    const firstOrders = await onShard(1, async (client) => (await client.query(`select * from orders where tenant_id = $1 order by id limit 400`, [RESUMED])).rows);
    await onShard(2, (client) => client.query(`insert into orders select * from jsonb_populate_recordset(null::orders, $1::jsonb)`, [JSON.stringify(firstOrders)]));
    expect(await tenantCounts(2, RESUMED)).toEqual({ app_users: 1000, orders: 400, events: 0 });

    const outcome = await runMove(moveId, FAST);
    expect(outcome).toEqual({ status: 'done', yielded: false });
    expect(await tenantCounts(2, RESUMED)).toEqual(SEEDED);
    expect(await tenantCounts(1, RESUMED)).toEqual(NOTHING);
    const move = await moveRow(moveId);
    expect((move.verification as { equal: boolean }[]).map((table) => table.equal)).toEqual([true, true, true]);
    expect(Number(move.rows_copied)).toBe(5000);
  }, 120_000);

  it('rolls back a copy move cancelled after its rows were copied: the copy removed, the fence lifted, the tenant writable on its shard', async () => {
    const moveId = await createMove(CANCELLED, 'shard-2', 'it', { strategy: 'copy' });
    let copiedOnTarget: Record<string, number> | null = null;
    const outcome = await runMove(moveId, {
      ...FAST,
      onPhase: async (phase) => {
        if (phase !== 'copy') return;
        copiedOnTarget = await tenantCounts(2, CANCELLED);
        await requestCancel(moveId, 'it-admin');
      },
    });
    expect(copiedOnTarget).toEqual(SEEDED);
    expect(outcome.status).toBe('cancelled');
    expect(await moveRow(moveId)).toMatchObject({ status: 'cancelled', phase: 'finished', error: null, fenced_at: null });
    expect(await directoryRow(CANCELLED)).toEqual({ shard_id: 'shard-1', status: 'active' });
    expect(await readFence(shard(1), CANCELLED)).toBeNull();
    expect(await tenantCounts(2, CANCELLED)).toEqual(NOTHING);
    expect(await tenantCounts(1, CANCELLED)).toEqual(SEEDED);
    await appInsertSucceeds(1, CANCELLED);
    expect(await shardscopeObjects()).toEqual([]);
  }, 120_000);

  it('refuses at prepare a target that already holds rows of the tenant, before fencing anything', async () => {
    await onShard(2, (client) => client.query(`insert into events (tenant_id, kind) values ($1, 'stray')`, [OCCUPIED]));
    const moveId = await createMove(OCCUPIED, 'shard-2', 'it', { strategy: 'copy' });
    const outcome = await runMove(moveId, FAST);
    expect(outcome.status).toBe('failed');
    expect((await moveRow(moveId)).error).toBe(`shard-2 already holds rows of tenant ${OCCUPIED} (events: 1)`);
    expect(await directoryRow(OCCUPIED)).toEqual({ shard_id: 'shard-1', status: 'active' });
    expect(await readFence(shard(1), OCCUPIED)).toBeNull();
    expect(await tenantCounts(2, OCCUPIED)).toEqual({ ...NOTHING, events: 1 });
  }, 60_000);
});
