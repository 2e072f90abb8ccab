import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { getFleet } from '@/lib/fleet/topology';
import { collectShardPools, getShardPools } from '@/lib/monitor/pools';
import type { PgBouncerPool, ShardPools } from '@/lib/monitor/pools-types';
import { collectShardReplication } from '@/lib/monitor/replication';
import { eventually, INTEGRATION_SANDBOX } from './sandbox';

const shard = () => getFleet().shards[0];

function appPool(view: ShardPools): PgBouncerPool {
  if (!view.pgbouncer.configured || !view.pgbouncer.up) throw new Error(`PgBouncer not up: ${JSON.stringify(view.pgbouncer)}`);
  const pool = view.pgbouncer.pools.find((entry) => entry.database === 'app' && entry.user === 'app');
  if (!pool) throw new Error(`no app/app pool in ${JSON.stringify(view.pgbouncer.pools)}`);
  return pool;
}

function upView(view: ShardPools) {
  if (!view.pgbouncer.configured || !view.pgbouncer.up) throw new Error(`PgBouncer not up: ${JSON.stringify(view.pgbouncer)}`);
  return view.pgbouncer;
}

/** default_pool_size in the sandbox's pgbouncer.ini. */
const SANDBOX_POOL_SIZE = 5;

describe('shard pools against the sandbox PgBouncer', () => {
  it('lists every node of the shard in the console pools, empty until the console has used them', async () => {
    const before = await collectShardPools(shard());
    expect(before.console).toEqual([
      { nodeId: 'shard-1-primary', total: null, idle: null, waiting: null, max: 3 },
      { nodeId: 'shard-1-replica-1', total: null, idle: null, waiting: null, max: 3 },
    ]);
    await collectShardReplication(shard());
    const after = await collectShardPools(shard());
    expect(after.console.map((pool) => pool.nodeId)).toEqual(['shard-1-primary', 'shard-1-replica-1']);
    for (const pool of after.console) {
      expect(pool.total).toBeGreaterThanOrEqual(1);
      expect(pool.total).toBeLessThanOrEqual(pool.max);
    }
  });

  it('reads PgBouncer 1.18 settings and leaves its admin database out of the application pools', async () => {
    const view = upView(await collectShardPools(shard()));
    expect(view.version).toMatch(/^PgBouncer 1\.18/);
    expect(view.config).toEqual({ poolMode: 'transaction', defaultPoolSize: SANDBOX_POOL_SIZE, maxClientConn: 200, reservePoolSize: 0, maxDbConnections: 0 });
    expect(view.pools.map((pool) => pool.database)).not.toContain('pgbouncer');
    expect(view.stats.map((row) => row.database)).not.toContain('pgbouncer');
    // Our own admin-console session counts against max_client_conn.
    expect(view.clientConnections).toBeGreaterThanOrEqual(1);
  });

  it('shows clients waiting and the pool fully used while more clients than default_pool_size hold transactions open', async () => {
    const poolerUrl = shard().pooler!.url;
    const holders = Array.from({ length: SANDBOX_POOL_SIZE }, () => new pg.Client({ connectionString: poolerUrl, application_name: 'it-holder' }));
    const waiters = Array.from({ length: 2 }, () => new pg.Client({ connectionString: poolerUrl, application_name: 'it-waiter' }));
    const clients = [...holders, ...waiters];
    try {
      for (const client of clients) {
        client.on('error', () => {});
        await client.connect();
      }
      for (const client of holders) {
        await client.query('BEGIN');
        await client.query('SELECT 1');
      }
      // Not awaited: these wait for a server until a holder commits.
      const waiting = waiters.map((client) => client.query('SELECT 1'));
      waiting.forEach((query) => query.catch(() => {}));

      const busy = await eventually(() => collectShardPools(shard()), (view) => appPool(view).clientsWaiting >= 2);
      expect(appPool(busy)).toMatchObject({ poolMode: 'transaction', serversActive: SANDBOX_POOL_SIZE, utilisation: 1, poolSize: SANDBOX_POOL_SIZE });
      expect(appPool(busy).maxWaitSeconds).toBeGreaterThan(0);
      expect(upView(busy).clientsByState).toContainEqual({ state: 'waiting', count: 2 });
      expect(upView(busy).clientsByApplication).toEqual(
        expect.arrayContaining([
          { applicationName: 'it-holder', count: SANDBOX_POOL_SIZE },
          { applicationName: 'it-waiter', count: 2 },
        ]),
      );
      expect(upView(busy).serversByState).toContainEqual({ state: 'active', count: SANDBOX_POOL_SIZE });

      for (const client of holders) await client.query('COMMIT');
      await Promise.all(waiting);
      const drained = await eventually(() => collectShardPools(shard()), (view) => appPool(view).clientsWaiting === 0 && appPool(view).serversActive === 0);
      expect(appPool(drained)).toMatchObject({ clientsWaiting: 0, maxWaitSeconds: 0, utilisation: 0 });
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
    }
  });

  it('reports an unreachable PgBouncer as down with the reason, and a shard without one as not configured', async () => {
    // B+9 is inside this sandbox's port range and nothing listens there.
    const closedPort = INTEGRATION_SANDBOX.basePort + 9;
    const unreachable: ShardConfig = {
      ...shard(),
      id: 'shard-1-unreachable-pooler',
      pooler: { url: shard().pooler!.url, adminUrl: shard().pooler!.adminUrl.replace(/:\d+\//, `:${closedPort}/`) },
    };
    expect((await getShardPools(unreachable)).pgbouncer).toEqual({ configured: true, up: false, error: 'connection refused' });

    const withoutPooler: ShardConfig = { ...shard(), id: 'shard-1-no-pooler', pooler: undefined };
    const view = await getShardPools(withoutPooler);
    expect(view.pgbouncer).toEqual({ configured: false });
    expect(view.console).toHaveLength(2);
  });

  it('serves concurrent callers one PgBouncer read', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let an earlier cached read expire
    const results = await Promise.all(Array.from({ length: 5 }, () => getShardPools(shard())));
    expect(new Set(results.map((result) => result.generatedAt)).size).toBe(1);
  });
});
