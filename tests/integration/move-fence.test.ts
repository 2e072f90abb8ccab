import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { findShard } from '@/lib/fleet/topology';
import { bypassFenceInTransaction, FenceNotSettledError, fenceTenant, liftFence, markTenantMoved, readFence } from '@/lib/rebalance/move-fence';
import { FENCED_SQLSTATE, MOVED_SQLSTATE } from '@/lib/rebalance/move-model';
import { createTenantSchema, dropTenantSchema, tenantSchemaName } from '@/lib/tenants/tenant-schema';
import { connectAsApp, nodePort, withSuperuser } from './sandbox';

/**
 * The write fence of a tenant move on the sandbox's shard-1 primary: the
 * trigger on every tenant table refuses a fenced (SSF01) or moved (SSM01)
 * tenant's writes from the apps' role and names the new shard, leaves reads
 * and other tenants alone, covers schema-layout tenants, and fenceTenant's
 * LSN follows every write that began before the fence.
 */

const PRIMARY_PORT = nodePort(1, 'primary');
const TARGET = 'shard-2';
const FENCED = randomUUID();
const NEIGHBOUR = randomUUID();
const SCHEMA_TENANT = randomUUID();
const SCHEMA = tenantSchemaName(SCHEMA_TENANT);
const ALL_TENANTS = [FENCED, NEIGHBOUR, SCHEMA_TENANT];

let shard: ShardConfig;
let app: pg.Client;
const extraClients: pg.Client[] = [];

async function appClient(): Promise<pg.Client> {
  const client = await connectAsApp(PRIMARY_PORT, 'it-move-fence');
  extraClients.push(client);
  return client;
}

const backendPid = async (client: pg.Client): Promise<number> => (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;

/** The driver's error of a statement the test expects the shard to refuse. */
async function refusal(statement: Promise<unknown>): Promise<{ code?: string; message: string; hint?: string }> {
  const outcome = await statement.then(
    () => null,
    (error: unknown) => error as { code?: string; message: string; hint?: string },
  );
  if (!outcome) throw new Error('the shard accepted a write it should have refused');
  return outcome;
}

async function expectRefused(statement: Promise<unknown>, code: string, tenantId: string): Promise<void> {
  const error = await refusal(statement);
  expect(error.code).toBe(code);
  expect(error.message).toContain(tenantId);
  expect(error.message).toContain(TARGET);
  expect(error.hint).toContain(TARGET);
}

const insertOrder = (client: pg.Client, tenantId: string, table = 'public.orders') =>
  client.query(`insert into ${table} (tenant_id, amount_cents) values ($1, 100) returning id`, [tenantId]);

/** Whether a promise has settled yet (without waiting for it). */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  watched.catch(() => {});
  return { promise: watched, settled: () => done };
}

/** The end of the commit record of transaction `xid` written since `since`, from the WAL itself (pg_walinspect). */
async function commitRecordEnd(since: string, xid: string): Promise<string | null> {
  return withSuperuser(PRIMARY_PORT, async (client) => {
    const { rows } = await client.query(
      `select end_lsn::text
       from pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn())
       where resource_manager = 'Transaction' and record_type = 'COMMIT' and xid::text = $2`,
      [since, xid],
    );
    return rows[0]?.end_lsn ?? null;
  });
}

async function lsnAtOrBefore(lsn: string, bound: string): Promise<boolean> {
  return withSuperuser(PRIMARY_PORT, async (client) => (await client.query('select $1::pg_lsn <= $2::pg_lsn as ok', [lsn, bound])).rows[0].ok as boolean);
}

async function currentLsn(): Promise<string> {
  return withSuperuser(PRIMARY_PORT, async (client) => (await client.query('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn as string);
}

describe('the write fence of a tenant move', () => {
  beforeAll(async () => {
    shard = findShard('shard-1')!;
    await withSuperuser(PRIMARY_PORT, async (client) => {
      await client.query('create extension if not exists pg_walinspect');
      await client.query('begin');
      await createTenantSchema(client, SCHEMA);
      await client.query('commit');
    });
    app = await appClient();
    for (const tenantId of [FENCED, NEIGHBOUR]) {
      await insertOrder(app, tenantId);
      await app.query(`insert into public.app_users (tenant_id, email) values ($1, 'a@example.com')`, [tenantId]);
      await app.query(`insert into public.events (tenant_id, kind) values ($1, 'signup')`, [tenantId]);
    }
    await insertOrder(app, SCHEMA_TENANT, `${SCHEMA}.orders`);
  });

  afterEach(async () => {
    for (const tenantId of ALL_TENANTS) await liftFence(shard, tenantId);
  });

  afterAll(async () => {
    for (const client of extraClients) await client.end().catch(() => {});
    if (!shard) return;
    await withSuperuser(PRIMARY_PORT, async (client) => {
      for (const table of ['app_users', 'orders', 'events']) await client.query(`delete from public.${table} where tenant_id = any($1::uuid[])`, [ALL_TENANTS]);
      await dropTenantSchema(client, SCHEMA);
      await client.query('drop extension if exists pg_walinspect');
    });
  });

  it("refuses a fenced tenant's inserts, updates and deletes with SSF01 naming the new shard, and still serves its reads", async () => {
    const { fenceLsn, fencedAt } = await fenceTenant(shard, FENCED, TARGET);
    expect(fenceLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(await readFence(shard, FENCED)).toEqual({ tenantId: FENCED, state: 'fenced', targetShardId: TARGET, fencedAt });

    await expectRefused(insertOrder(app, FENCED), FENCED_SQLSTATE, FENCED);
    await expectRefused(app.query(`update public.orders set amount_cents = 5 where tenant_id = $1`, [FENCED]), FENCED_SQLSTATE, FENCED);
    await expectRefused(app.query(`delete from public.app_users where tenant_id = $1`, [FENCED]), FENCED_SQLSTATE, FENCED);
    await expectRefused(app.query(`insert into public.events (tenant_id, kind) values ($1, 'x')`, [FENCED]), FENCED_SQLSTATE, FENCED);
    expect((await refusal(insertOrder(app, FENCED))).message).toContain('writes are paused');

    const { rows } = await app.query('select count(*)::int as orders from public.orders where tenant_id = $1', [FENCED]);
    expect(rows[0].orders).toBe(1);
  });

  it("leaves other tenants' writes alone, but refuses moving a row into the fenced tenant", async () => {
    await fenceTenant(shard, FENCED, TARGET);
    const { rows } = await insertOrder(app, NEIGHBOUR);
    await app.query('update public.orders set amount_cents = 7 where tenant_id = $1 and id = $2', [NEIGHBOUR, rows[0].id]);
    await app.query('delete from public.orders where tenant_id = $1 and id = $2', [NEIGHBOUR, rows[0].id]);
    await expectRefused(
      app.query('update public.events set tenant_id = $2 where tenant_id = $1', [NEIGHBOUR, FENCED]),
      FENCED_SQLSTATE,
      FENCED,
    );
  });

  it('keeps the fence time when fenced again for the same target, and does not let the apps lift it', async () => {
    const first = await fenceTenant(shard, FENCED, TARGET);
    const again = await fenceTenant(shard, FENCED, TARGET);
    expect(again.fencedAt).toEqual(first.fencedAt);
    expect(await lsnAtOrBefore(first.fenceLsn, again.fenceLsn)).toBe(true);

    expect((await refusal(app.query('delete from public.shardscope_tenant_fences where tenant_id = $1', [FENCED]))).code).toBe('42501');
    expect((await refusal(app.query('select * from public.shardscope_tenant_fences'))).code).toBe('42501');
  });

  it('refuses a moved tenant with SSM01 naming its shard; only the owner may bypass it to clean up', async () => {
    await fenceTenant(shard, FENCED, TARGET);
    const moved = await markTenantMoved(shard, FENCED, TARGET);
    expect(moved.state).toBe('moved');
    await expectRefused(insertOrder(app, FENCED), MOVED_SQLSTATE, FENCED);
    expect((await refusal(insertOrder(app, FENCED))).message).toContain('no longer takes its writes');
    await expect(fenceTenant(shard, FENCED, TARGET)).rejects.toThrow(/already moved/);

    await app.query('begin');
    await bypassFenceInTransaction(app, FENCED);
    await expectRefused(app.query('delete from public.events where tenant_id = $1', [FENCED]), MOVED_SQLSTATE, FENCED);
    await app.query('rollback');

    await withSuperuser(PRIMARY_PORT, async (owner) => {
      await owner.query('begin');
      await bypassFenceInTransaction(owner, FENCED);
      const deleted = await owner.query('delete from public.events where tenant_id = $1', [FENCED]);
      expect(deleted.rowCount).toBe(1);
      await owner.query('rollback');
      expect((await refusal(owner.query('delete from public.events where tenant_id = $1', [FENCED]))).code).toBe(MOVED_SQLSTATE);
    });
  });

  it('takes writes again once the fence is lifted; lifting twice is harmless', async () => {
    await fenceTenant(shard, FENCED, TARGET);
    expect((await liftFence(shard, FENCED))?.state).toBe('fenced');
    expect(await liftFence(shard, FENCED)).toBeNull();
    expect(await readFence(shard, FENCED)).toBeNull();
    const { rows } = await insertOrder(app, FENCED);
    await app.query('delete from public.orders where tenant_id = $1 and id = $2', [FENCED, rows[0].id]);
  });

  it("fences a schema-layout tenant's own tables too", async () => {
    await fenceTenant(shard, SCHEMA_TENANT, TARGET);
    await expectRefused(insertOrder(app, SCHEMA_TENANT, `${SCHEMA}.orders`), FENCED_SQLSTATE, SCHEMA_TENANT);
    await expectRefused(app.query(`delete from ${SCHEMA}.orders where tenant_id = $1`, [SCHEMA_TENANT]), FENCED_SQLSTATE, SCHEMA_TENANT);
    await expectRefused(app.query(`insert into ${SCHEMA}.app_users (tenant_id, email) values ($1, 'b@example.com')`, [SCHEMA_TENANT]), FENCED_SQLSTATE, SCHEMA_TENANT);
    expect((await app.query(`select count(*)::int as n from ${SCHEMA}.orders`)).rows[0].n).toBe(1);
  });

  it('returns only after a write that began before the fence has committed, with its commit before the fence LSN', async () => {
    const since = await currentLsn();
    const writer = await appClient();
    await writer.query('begin');
    await insertOrder(writer, FENCED);
    const { xid } = (await writer.query('select pg_current_xact_id()::text as xid')).rows[0];

    const writerPid = await backendPid(writer);
    const fencing = tracked(fenceTenant(shard, FENCED, TARGET));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fencing.settled()).toBe(false);
    await writer.query('commit');

    const { fenceLsn, waitedForPids } = await fencing.promise;
    expect(waitedForPids).toContain(writerPid);
    const commitEnd = await commitRecordEnd(since, xid);
    expect(commitEnd).not.toBeNull();
    expect(await lsnAtOrBefore(commitEnd!, fenceLsn)).toBe(true);
  });

  it('waits for a REPEATABLE READ transaction whose snapshot predates the fence (it writes without seeing it)', async () => {
    const since = await currentLsn();
    const writer = await appClient();
    await writer.query('begin isolation level repeatable read');
    await writer.query('select count(*) from public.orders where tenant_id = $1', [FENCED]);

    const fencing = tracked(fenceTenant(shard, FENCED, TARGET));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Its snapshot predates the fence row, so the trigger lets the insert through.
    await insertOrder(writer, FENCED);
    const { xid } = (await writer.query('select pg_current_xact_id()::text as xid')).rows[0];
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fencing.settled()).toBe(false);
    await writer.query('commit');

    const { fenceLsn } = await fencing.promise;
    const commitEnd = await commitRecordEnd(since, xid);
    expect(commitEnd).not.toBeNull();
    expect(await lsnAtOrBefore(commitEnd!, fenceLsn)).toBe(true);
    await expectRefused(insertOrder(writer, FENCED), FENCED_SQLSTATE, FENCED);
  });

  it('lifts the fence again and names the open transaction when an earlier write does not finish in time', async () => {
    const writer = await appClient();
    await writer.query('begin');
    await insertOrder(writer, NEIGHBOUR);
    const writerPid = await backendPid(writer);

    const error = await fenceTenant(shard, FENCED, TARGET, { waitTimeoutMs: 300 }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FenceNotSettledError);
    expect((error as FenceNotSettledError).openTransactions.map((tx) => tx.pid)).toContain(writerPid);
    expect((error as Error).message).toContain(`backend ${writerPid}`);
    expect(await readFence(shard, FENCED)).toBeNull();
    await writer.query('rollback');
  });
});
