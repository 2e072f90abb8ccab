import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attributedTenant, captureAlertContext } from '@/lib/alerts/alert-context';
import type { AlertContext, AlertTarget } from '@/lib/alerts/alert-model';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { findShard } from '@/lib/fleet/topology';
import { sampleShard } from '@/lib/history/sample-shard';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import { samplingSlot } from '@/lib/jobs/slots';
import { connectAsApp, eventually, nodePort, sandbox, withSuperuser } from './sandbox';

/**
 * The context snapshot of an alert against the sandbox fleet: a tenant's
 * session holds a row lock idle in its transaction while another waits on it,
 * and the snapshot names that tenant; a shard whose primary is down still gets
 * a (partial) snapshot, quickly.
 */

const TENANT_ID = randomUUID();
const TENANT_NAME = `it-alert-context-${TENANT_ID.slice(0, 8)}`;
const TENANT_APP = `tenant:${TENANT_ID}`;
const PRIMARY_PORT = nodePort(1, 'primary');
const IDLE_METRIC = 'longest_idle_in_transaction_seconds';

const nodeTarget = (shardId: string, nodeId: string): AlertTarget => ({ kind: 'node', shardId, nodeId, tenantId: null });

const openClients: pg.Client[] = [];
async function appClient(): Promise<pg.Client> {
  const client = await connectAsApp(PRIMARY_PORT, TENANT_APP);
  openClients.push(client);
  return client;
}

describe('alert context snapshot', () => {
  let orderId: string;

  beforeAll(async () => {
    await getControlPool().query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-1')`, [TENANT_ID, TENANT_NAME]);
    const client = await connectAsApp(PRIMARY_PORT, TENANT_APP);
    const { rows } = await client.query('insert into orders (tenant_id, amount_cents) values ($1, 100) returning id', [TENANT_ID]);
    orderId = rows[0].id;
    await client.end();
    // PgBouncer makes a pool on a client's first connection: be that client.
    const pooled = new pg.Client({ connectionString: findShard('shard-1')!.pooler!.url });
    await pooled.connect();
    await pooled.query('select 1');
    await pooled.end();
  });

  afterEach(async () => {
    // Server side first: a blocked client cannot end cleanly until its blocker is gone.
    await withSuperuser(PRIMARY_PORT, (client) => client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [TENANT_APP])).catch(() => {});
    await Promise.all(openClients.splice(0).map((client) => client.end().catch(() => {})));
  });

  afterAll(async () => {
    await withSuperuser(PRIMARY_PORT, (client) => client.query('delete from orders where tenant_id = $1', [TENANT_ID])).catch(() => {});
    await getControlPool().query('delete from tenants where id = $1', [TENANT_ID]).catch(() => {});
    sandbox('start-node', 'shard-2-primary');
  });

  it('names the tenant whose session holds a lock idle in its transaction, as blocking root, idle session and top tenant', async () => {
    const shard = findShard('shard-1')!;
    // Statement snapshots of the primary with a heavy statement between the last two: the window's top
    // statement. The window starts at the last snapshot 5 min back; the one before it makes that one
    // hold only what moved (a complete baseline, so a statement new since then counts in full).
    const second = Math.floor(Date.now() / 1000) * 1000;
    // The window is this test's own: snapshots other files took of this primary in the last minutes
    // would lie between the synthetic times below and bring their statements in.
    for (const table of ['statement_snapshots', 'statement_snapshot_runs']) {
      await getControlPool().query(`delete from ${table} where shard_id = 'shard-1' and at > now() - interval '1 hour'`);
    }
    await getControlPool().query(`delete from statement_latest where node_id = 'shard-1-primary'`);
    await snapshotStatements(shard, new Date(second - 310_000));
    await snapshotStatements(shard, new Date(second - 305_000));
    await withSuperuser(PRIMARY_PORT, async (client) => {
      for (let index = 0; index < 3; index++) await client.query('select count(*) from pg_sleep(0.2) as alert_context_heavy');
    });
    await snapshotStatements(shard, new Date(second - 2000));

    const holder = await appClient();
    const waiter = await appClient();
    const { rows } = await holder.query('select pg_backend_pid() as pid');
    const holderPid: number = rows[0].pid;
    await holder.query('begin');
    await holder.query('select id from orders where tenant_id = $1 and id = $2 for update', [TENANT_ID, orderId]);
    void waiter.query(`update orders set status = 'it-blocked' where tenant_id = $1 and id = $2`, [TENANT_ID, orderId]).catch(() => {});
    // Two sampling rounds while both sessions are there: the tenant's sessions and active (waiting) time.
    const interval = getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const slot = samplingSlot(new Date(), interval);
    await sampleShard(shard, new Date(slot.getTime() - interval * 1000), 'it-alert-context');
    await sampleShard(shard, slot, 'it-alert-context');

    // Another rule's context lists idle transactions past the activity panel's 10 s only: this one is too fresh.
    const otherContext = await captureAlertContext(shard, nodeTarget('shard-1', 'shard-1-primary'), 'connections_pct', slot);
    expect(otherContext.idleInTransaction.some((session) => session.pid === holderPid)).toBe(false);
    // The idle-in-transaction rule's context lists its offender whatever its age (the rule may fire below 10 s).
    const context: AlertContext = await eventually(
      () => captureAlertContext(shard, nodeTarget('shard-1', 'shard-1-primary'), IDLE_METRIC, slot),
      (next) => next.idleInTransaction.some((session) => session.pid === holderPid),
      10_000,
    );

    expect(context.errors).toEqual([]);
    expect(context.windowSeconds).toBe(300);
    expect(context.idleInTransaction[0]).toMatchObject({ pid: holderPid, nodeId: 'shard-1-primary', tenantId: TENANT_ID, tenantName: TENANT_NAME, user: 'app' });
    expect(context.idleInTransaction[0].idleSeconds).toBeGreaterThan(0);
    expect(context.idleInTransaction[0].query).toContain('for update');
    expect(context.blockingRoots[0]).toMatchObject({ pid: holderPid, nodeId: 'shard-1-primary', tenantId: TENANT_ID, tenantName: TENANT_NAME, blockedCount: 1 });
    expect(context.blockingRoots[0].xactSeconds).toBeGreaterThan(0);
    expect(attributedTenant(IDLE_METRIC, context)).toBe(TENANT_ID);
    expect(attributedTenant('connections_pct', context)).toBeNull();

    const tenant = context.topTenants.find((entry) => entry.tenantId === TENANT_ID);
    // Holder and waiter at once; the waiter is active (waiting on the lock) in both rounds.
    expect(tenant).toEqual({ tenantId: TENANT_ID, name: TENANT_NAME, activeSeconds: 2 * interval, sessions: 2 });
    const activeSeconds = context.topTenants.map((entry) => entry.activeSeconds);
    expect(activeSeconds).toEqual([...activeSeconds].sort((a, b) => b - a));

    expect(context.topStatements[0].query).toContain('alert_context_heavy');
    expect(context.topStatements[0]).toMatchObject({ calls: 3 });
    expect(context.topStatements[0].meanTimeMs).toBeGreaterThanOrEqual(200);
    expect(context.topStatements.some((statement) => statement.query.includes('shardscope:'))).toBe(false);

    expect(context.pgbouncerWaiting.map((pool) => pool.pool)).toContain('app/app');
    expect(context.pgbouncerWaiting.every((pool) => pool.clientsWaiting === 0)).toBe(true);
    expect(context).not.toHaveProperty('tenantLimit');
  });

  it('reads which tier limit a tenant target is nearest, used against limit', async () => {
    const shard = findShard('shard-1')!;
    await getControlPool().query(
      `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method) values ($1, 'shard-1', now(), now(), 450000000, 1, 'apportioned')`,
      [TENANT_ID],
    );
    const context = await captureAlertContext(shard, { kind: 'tenant', shardId: 'shard-1', nodeId: null, tenantId: TENANT_ID }, 'tenant_limit_pct', new Date());
    expect(context.tenantLimit).toEqual({ kind: 'storage', used: 450_000_000, limit: 524_288_000 });
  });

  it('still answers, quickly and with the reasons, for a shard whose primary is down', async () => {
    const shard = findShard('shard-2')!;
    sandbox('stop-node', 'shard-2-primary');
    try {
      const started = performance.now();
      const context = await captureAlertContext(shard, nodeTarget('shard-2', 'shard-2-primary'), 'node_up', new Date());
      const elapsedMs = performance.now() - started;

      expect(elapsedMs).toBeLessThan(3 * getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS);
      expect(context.errors).toEqual(
        expect.arrayContaining([
          { part: 'blockingRoots', message: expect.stringMatching(/^shard-2-primary: connection (refused|lost)/) },
          { part: 'idleInTransaction', message: expect.stringMatching(/^shard-2-primary: connection (refused|lost)/) },
        ]),
      );
      expect(context.blockingRoots).toEqual([]);
      expect(context.idleInTransaction).toEqual([]);
    } finally {
      sandbox('start-node', 'shard-2-primary');
    }
  });

  it('gives up on a primary that hangs within the part deadline, never waiting on it', async () => {
    const shard = findShard('shard-2')!;
    sandbox('pause-node', 'shard-2-primary');
    try {
      const started = performance.now();
      const context = await captureAlertContext(shard, nodeTarget('shard-2', 'shard-2-primary'), 'node_up', new Date());
      const elapsedMs = performance.now() - started;

      expect(elapsedMs).toBeLessThan(3 * getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS);
      expect(context.errors.map((error) => error.part)).toEqual(expect.arrayContaining(['blockingRoots', 'idleInTransaction']));
    } finally {
      sandbox('resume-node', 'shard-2-primary');
    }
  });
});
