import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { NextRequest } from 'next/server';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as tenantRouteGet } from '@/app/api/tenants/[id]/route/route';
import { findShard } from '@/lib/fleet/topology';
import { liftFence } from '@/lib/rebalance/move-fence';
import { MOVED_SQLSTATE } from '@/lib/rebalance/move-model';
import { dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { runMove } from '@/lib/rebalance/move-runner';
import { createMove } from '@/lib/rebalance/move-store';
import { verifyTenant, type TableVerificationResult } from '@/lib/rebalance/move-verify';
import { createRoutingClient, type RoutingClient } from '@/lib/tenants/routing-client';
import type { RouteEndpoint, TenantRoute } from '@/lib/tenants/tenant-route-model';
import { createTenantSchema, dropTenantSchema, qualifiedTenantTable, TENANT_TABLES, tenantSchemaName, type TenantTable } from '@/lib/tenants/tenant-schema';
import { CONSOLE_HOST } from './console-requests';
import { connectAsApp, eventually, nodePort, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * Online moves as an app sees them: a tenant moved shard-1 → shard-2 while a
 * writer inserts its orders at ~200/s through the routing client (the route
 * API's writer endpoint, i.e. the shard's PgBouncer, as the app role), which
 * retries on the fence's SQLSTATEs. Every acknowledged insert ends on the
 * target, nothing of the tenant stays on the source, both sides hash equal
 * while fenced, and default ids work on the target afterwards. Once for a
 * shared-layout tenant of ~20k rows, once for a schema-layout one of ~5k.
 */

const APP_TOKEN = process.env.SHARDSCOPE_APP_TOKEN!;
const SHARED = randomUUID();
const SCHEMA_TENANT = randomUUID();
const TENANTS = [SHARED, SCHEMA_TENANT];
/** The writer's orders carry amount_cents from here up: a marker per acknowledged insert. */
const WRITER_BASE = 10_000_000;
/** ~200 inserts/s. */
const WRITE_INTERVAL_MS = 5;
/** Between refusals while the tenant is fenced: the app's short back-off. */
const REFUSED_PAUSE_MS = 10;
/** Longer than any move here: the writer learns of the switch from the shards' refusals, not the TTL. */
const NO_POLLING_TTL_MS = 10 * 60_000;
const FAST = { timings: { pollMs: 200 } };

type Counts = Record<TenantTable, number>;
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shard = (id: string) => findShard(id)!;
const endpointKey = (endpoint: RouteEndpoint) => `${endpoint.host}:${endpoint.port}/${endpoint.database}`;
const poolerKey = (shardId: string) => {
  const url = new URL(shard(shardId).pooler!.url);
  return `${url.hostname}:${url.port}/${url.pathname.slice(1)}`;
};

async function seedTenant(tenantId: string, schemaName: string | null, counts: Counts): Promise<void> {
  await withControl((client) =>
    client.query(`insert into tenants (id, name, tier, shard_id, layout, schema_name) values ($1, $2, 'starter', 'shard-1', $3, $4)`, [
      tenantId,
      `it-move-online-${tenantId.slice(0, 8)}`,
      schemaName === null ? 'shared' : 'schema',
      schemaName,
    ]),
  );
  await onShard(1, async (client) => {
    if (schemaName !== null) await createTenantSchema(client, schemaName);
    const table = (name: TenantTable) => qualifiedTenantTable(name, schemaName);
    await client.query(`insert into ${table('app_users')} (tenant_id, email) select $1, 'u' || g || '@online.example' from generate_series(1, $2::int) g`, [tenantId, counts.app_users]);
    await client.query(`insert into ${table('orders')} (tenant_id, user_id, amount_cents) select $1, g % 100, g from generate_series(1, $2::int) g`, [tenantId, counts.orders]);
    await client.query(`insert into ${table('events')} (tenant_id, kind) select $1, 'view' from generate_series(1, $2::int) g`, [tenantId, counts.events]);
  });
}

/** Per table: the tenant's rows counted, and an md5 of their text in id order (UTC, so both servers render timestamps alike). */
async function tableDigests(n: 1 | 2, tenantId: string, schemaName: string | null): Promise<Record<TenantTable, { rows: number; hash: string }>> {
  return onShard(n, async (client) => {
    await client.query(`set timezone to 'UTC'`);
    const digests = {} as Record<TenantTable, { rows: number; hash: string }>;
    for (const table of TENANT_TABLES) {
      const { rows } = await client.query(
        `select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t.id), '')) as hash from ${qualifiedTenantTable(table, schemaName)} t where t.tenant_id = $1`,
        [tenantId],
      );
      digests[table] = rows[0];
    }
    return digests;
  });
}

const directoryRow = (tenantId: string) =>
  withControl(async (client) => (await client.query(`select shard_id, status from tenants where id = $1`, [tenantId])).rows[0] as { shard_id: string; status: string });

const schemaExists = (n: 1 | 2, schemaName: string) => onShard(n, async (client) => (await client.query(`select 1 from pg_namespace where nspname = $1`, [schemaName])).rowCount! > 0);

async function shardscopeObjects(): Promise<unknown[]> {
  const lists = await Promise.all(['shard-1', 'shard-2'].map((id) => listShardscopeReplicationObjects(shard(id))));
  return lists.flatMap((objects) => [...objects.subscriptions, ...objects.publications, ...objects.slots, ...objects.tableSyncSlots]);
}

/** The routing client's fetch, answered by the route handler itself (as the app, with its bearer token). */
const handlerFetch: typeof globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const id = decodeURIComponent(url.pathname.split('/')[3]);
  const headers = new Headers(init?.headers);
  headers.set('host', CONSOLE_HOST);
  return tenantRouteGet(new NextRequest(url, { headers }), { params: Promise.resolve({ id }) });
}) as typeof globalThis.fetch;

/** An app inserting the tenant's orders at ~200/s wherever its routing client says, retrying refusals of a fenced or moved tenant. */
function startWriter(routing: RoutingClient, tenantId: string) {
  const acknowledged: { marker: number; shardId: string }[] = [];
  const failures: string[] = [];
  const endpoints = new Set<string>();
  let staleRefusals = 0;
  let running = true;
  const connections = new Map<string, Promise<pg.Client>>();
  const connectionFor = (endpoint: RouteEndpoint) => {
    const key = endpointKey(endpoint);
    endpoints.add(key);
    if (!connections.has(key)) connections.set(key, connectAsApp(endpoint.port, 'it-move-online-writer'));
    return connections.get(key)!;
  };
  const insertOrder = async (route: TenantRoute, marker: number) => {
    const connection = await connectionFor(route.writer);
    try {
      await connection.query(`insert into ${qualifiedTenantTable('orders', route.schemaName)} (tenant_id, amount_cents) values ($1, $2)`, [tenantId, marker]);
    } catch (error) {
      if (routing.isStaleRouteError(error)) staleRefusals += 1;
      throw error;
    }
    return route.shardId;
  };
  const done = (async () => {
    let nextAt = Date.now();
    for (let marker = WRITER_BASE; running; marker++) {
      for (;;) {
        try {
          acknowledged.push({ marker, shardId: await routing.withRoute(tenantId, (route) => insertOrder(route, marker)) });
          break;
        } catch (error) {
          if (!routing.isStaleRouteError(error)) {
            failures.push(`${(error as { code?: string }).code}: ${(error as Error).message}`);
            break;
          }
          await sleep(REFUSED_PAUSE_MS);
        }
      }
      // Keeps the pace without a burst to catch up after a pause.
      nextAt = Math.max(nextAt + WRITE_INTERVAL_MS, Date.now());
      await sleep(nextAt - Date.now());
    }
    for (const connection of connections.values()) await (await connection).end().catch(() => {});
  })();
  return {
    acknowledged,
    failures,
    endpoints,
    staleRefusals: () => staleRefusals,
    on: (shardId: string) => acknowledged.filter((ack) => ack.shardId === shardId).length,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** While the move holds the fence after its verify: the directory status, our own verification, and independent digests of both sides. */
async function whileFenced(tenantId: string, schemaName: string | null) {
  return {
    status: (await directoryRow(tenantId)).status,
    verification: await verifyTenant(shard('shard-1'), shard('shard-2'), tenantId, schemaName),
    source: await tableDigests(1, tenantId, schemaName),
    target: await tableDigests(2, tenantId, schemaName),
  };
}

const storedShape = (results: TableVerificationResult[]) => results.map(({ chunks: _chunks, ...table }) => table);

async function moveWhileWriting(routing: RoutingClient, tenantId: string, schemaName: string | null, seeded: Counts): Promise<void> {
  const writer = startWriter(routing, tenantId);
  let fenced: Awaited<ReturnType<typeof whileFenced>> | Error | undefined;
  try {
    await eventually(async () => writer.acknowledged.length + writer.failures.length, (count) => count >= 200, 20_000);
    const moveId = await createMove(tenantId, 'shard-2', 'it-move-online');
    const outcome = await runMove(moveId, {
      ...FAST,
      onPhase: async (phase) => {
        // An error here must not escape into the runner: it is kept and asserted below.
        if (phase === 'verify') fenced = await whileFenced(tenantId, schemaName).catch((error: Error) => error);
      },
    });
    expect(outcome).toEqual({ status: 'done', yielded: false });
    await eventually(async () => writer.on('shard-2') + writer.failures.length, (count) => count >= 200, 20_000);
    await writer.stop();

    expect(writer.failures).toEqual([]);
    expect(writer.staleRefusals()).toBeGreaterThan(0);
    expect(writer.on('shard-1')).toBeGreaterThan(0);
    expect([...writer.endpoints].sort()).toEqual([poolerKey('shard-1'), poolerKey('shard-2')].sort());
    expect(await directoryRow(tenantId)).toEqual({ shard_id: 'shard-2', status: 'active' });

    // Every acknowledged insert is on the target, once; nothing else of the writer's is.
    const orders = qualifiedTenantTable('orders', schemaName);
    const markers = await onShard(2, async (client) =>
      (await client.query(`select amount_cents::int8::text as marker from ${orders} where tenant_id = $1 and amount_cents >= $2 order by amount_cents`, [tenantId, WRITER_BASE])).rows.map(
        (row) => Number(row.marker),
      ),
    );
    expect(markers).toEqual(writer.acknowledged.map((ack) => ack.marker));

    // While fenced (writes refused, drained), both sides held the same rows: what the seed and the writes acknowledged on shard-1 add up to.
    if (fenced instanceof Error || fenced === undefined) throw fenced ?? new Error('the verify phase never ran');
    const atFence = fenced;
    expect(atFence.status).toBe('fenced');
    expect(atFence.target).toEqual(atFence.source);
    expect(Object.fromEntries(TENANT_TABLES.map((table) => [table, atFence.source[table].rows]))).toEqual({ ...seeded, orders: seeded.orders + writer.on('shard-1') });
    expect(atFence.verification.map((table) => table.equal)).toEqual([true, true, true]);
    expect(atFence.verification.map((table) => table.sourceRows)).toEqual(TENANT_TABLES.map((table) => atFence.source[table].rows));
    const move = await withControl(async (client) => (await client.query(`select status, write_block_ms, verification from tenant_moves where id = $1`, [moveId])).rows[0]);
    expect(move.status).toBe('done');
    expect(move.write_block_ms).toBeGreaterThanOrEqual(0);
    expect(move.verification).toEqual(storedShape(atFence.verification));

    // After the move: the target holds all of it, the tables the writer left alone unchanged since the fence; the source holds nothing.
    const after = await tableDigests(2, tenantId, schemaName);
    expect(after.orders.rows).toBe(seeded.orders + writer.acknowledged.length);
    expect({ app_users: after.app_users, events: after.events }).toEqual({ app_users: atFence.source.app_users, events: atFence.source.events });
    if (schemaName === null) expect(await tableDigests(1, tenantId, null)).toEqual(Object.fromEntries(TENANT_TABLES.map((table) => [table, { rows: 0, hash: 'd41d8cd98f00b204e9800998ecf8427e' }])));
    else expect(await schemaExists(1, schemaName)).toBe(false);
    expect(await shardscopeObjects()).toEqual([]);

    // A default id on the target comes after every moved one, in each table.
    const inserted = await routing.withRoute(tenantId, async (route) => {
      expect(route.shardId).toBe('shard-2');
      const app = await connectAsApp(route.writer.port, 'it-move-online-after');
      try {
        const table = (name: TenantTable) => qualifiedTenantTable(name, route.schemaName);
        const maxIds = (await app.query(
          `select (select max(id) from ${table('app_users')} where tenant_id = $1)::text as app_users,
                  (select max(id) from ${table('orders')} where tenant_id = $1)::text as orders,
                  (select max(id) from ${table('events')} where tenant_id = $1)::text as events`,
          [tenantId],
        )).rows[0] as Record<TenantTable, string>;
        const ids = {
          app_users: (await app.query(`insert into ${table('app_users')} (tenant_id, email) values ($1, 'after@online.example') returning id::text`, [tenantId])).rows[0].id,
          orders: (await app.query(`insert into ${table('orders')} (tenant_id, amount_cents) values ($1, 1) returning id::text`, [tenantId])).rows[0].id,
          events: (await app.query(`insert into ${table('events')} (tenant_id, kind) values ($1, 'after') returning id::text`, [tenantId])).rows[0].id,
        } as Record<TenantTable, string>;
        return TENANT_TABLES.map((name) => BigInt(ids[name]) > BigInt(maxIds[name]));
      } finally {
        await app.end();
      }
    });
    expect(inserted).toEqual([true, true, true]);
  } finally {
    await writer.stop();
  }
}

async function removeEverything(): Promise<void> {
  const moves = await withControl(async (client) => (await client.query(`select id from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS])).rows as { id: string }[]);
  for (const { id } of moves) await dropReplicationObjects(shard('shard-1'), shard('shard-2'), id);
  for (const n of [1, 2] as const) {
    for (const tenantId of TENANTS) await liftFence(shard(`shard-${n}`), tenantId);
    await onShard(n, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = $1`, [SHARED]);
      await dropTenantSchema(client, tenantSchemaName(SCHEMA_TENANT));
    });
  }
  await withControl(async (client) => {
    await client.query(`delete from tenant_moves where tenant_id = any($1::uuid[])`, [TENANTS]);
    await client.query(`delete from tenants where id = any($1::uuid[])`, [TENANTS]);
  });
}

describe('online tenant moves under a routed writer', () => {
  const routing = createRoutingClient({ baseUrl: `http://${CONSOLE_HOST}`, token: APP_TOKEN, fetch: handlerFetch, ttlMs: NO_POLLING_TTL_MS });

  afterAll(async () => {
    await routing.close();
    await removeEverything();
  }, 120_000);

  it('moves a shared tenant of ~20k rows while it takes ~200 inserts/s: nothing acknowledged lost, nothing left behind', async () => {
    const seeded = { app_users: 4_000, orders: 12_000, events: 4_000 };
    await seedTenant(SHARED, null, seeded);
    await moveWhileWriting(routing, SHARED, null, seeded);
    // A writer that never refreshed its route is refused by the source for good, never written there.
    const stale = await connectAsApp(Number(new URL(shard('shard-1').pooler!.url).port), 'it-move-online-stale');
    try {
      await expect(stale.query(`insert into orders (tenant_id, amount_cents) values ($1, 1)`, [SHARED])).rejects.toMatchObject({ code: MOVED_SQLSTATE });
    } finally {
      await stale.end();
    }
  }, 210_000);

  it('moves a schema-layout tenant the same way: its schema created on the target, dropped on the source', async () => {
    const schemaName = tenantSchemaName(SCHEMA_TENANT);
    const seeded = { app_users: 1_000, orders: 3_000, events: 1_000 };
    await seedTenant(SCHEMA_TENANT, schemaName, seeded);
    expect(await schemaExists(2, schemaName)).toBe(false);
    await moveWhileWriting(routing, SCHEMA_TENANT, schemaName, seeded);
    expect(await schemaExists(2, schemaName)).toBe(true);
  }, 210_000);
});
