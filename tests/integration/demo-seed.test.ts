import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIdRanges, runOperation } from '@/lib/demo/load-operations';
import { OPERATION_MIX } from '@/lib/demo/load-queries';
import { DEMO_SEED, seedDemoFleet } from '@/lib/demo/seed';
import { readTenantDirectory } from '@/lib/demo/tenant-directory';
import { buildDemoTenants, tenantSizeRows, type DemoTenant } from '@/lib/demo/tenant-profiles';
import { readFleetFile, type FleetFile } from '@/lib/fleet/fleet-file';
import { migrateFleet } from '@/lib/migrate/migrate-fleet';
import { dropTenantSchema, qualifiedTenantTable, TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { tenantUsageKeysForHours } from '@/lib/tenants/usage-keys';
import { fleetFilePath } from './sandbox';

/**
 * A small demo seeded into the integration sandbox: schema tenants' rows in
 * their schema and nowhere else, the limiter visible in the seeded counters,
 * a rerun after a crash that duplicates nothing, and the load's statements
 * working on a schema tenant through PgBouncer as the app role. The directory
 * goes to a control database of its own, so the other tests' tenant counts
 * never see the demo; shard rows and Redis keys are removed afterwards.
 */

const CONTROL_DB = 'it_demo_seed';
const OPTIONS = { tenantCount: 12, scale: 0.05, schemaTenantCount: 1 };

const sandboxFleet = readFleetFile(fleetFilePath);
const fleet: FleetFile = {
  ...sandboxFleet,
  control: { ...sandboxFleet.control, url: sandboxFleet.control.url.replace(/\/[^/?]+(\?|$)/, `/${CONTROL_DB}$1`) },
};
const expected = buildDemoTenants({ count: OPTIONS.tenantCount, shardIds: fleet.shards.map((shard) => shard.id), seed: DEMO_SEED, ...OPTIONS });
const schemaTenant = expected.find((tenant) => tenant.layout === 'schema')!;
const shardOf = (tenant: DemoTenant) => fleet.shards.find((shard) => shard.id === tenant.shardId)!;

async function withDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Rows per tenant table in the schema (or in public for the tenant id). */
async function rowsIn(tenant: DemoTenant, schemaName: string | null): Promise<Record<string, number>> {
  return withDatabase(shardOf(tenant).adminUrl, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) {
      const { rows } = await client.query(`select count(*)::int as n from ${qualifiedTenantTable(table, schemaName)} where tenant_id = $1`, [tenant.id]);
      counts[table] = rows[0].n;
    }
    return counts;
  });
}

async function removeDemo(): Promise<void> {
  for (const shard of fleet.shards) {
    await withDatabase(shard.adminUrl, async (client) => {
      for (const table of TENANT_TABLES) await client.query(`delete from ${table} where tenant_id = any($1::uuid[])`, [expected.map((tenant) => tenant.id)]);
      for (const tenant of expected.filter((tenant) => tenant.schemaName)) await dropTenantSchema(client, tenant.schemaName!);
    });
  }
  const redis = new Redis(fleet.redis.url);
  await redis.del(...expected.flatMap((tenant) => tenantUsageKeysForHours(tenant.id, new Date(), 26)));
  redis.disconnect();
}

describe('demo seed with both tenant layouts', () => {
  beforeAll(async () => {
    await withDatabase(sandboxFleet.control.url, async (client) => {
      await client.query(`drop database if exists ${CONTROL_DB}`);
      await client.query(`create database ${CONTROL_DB}`);
    });
    await migrateFleet(fleet);
    await removeDemo();
    const report = await seedDemoFleet(fleet, OPTIONS);
    expect(report).toMatchObject({ seeded: true, tenantCount: OPTIONS.tenantCount, schemaTenantCount: 1 });
  });

  afterAll(async () => {
    await removeDemo();
    await withDatabase(sandboxFleet.control.url, (client) => client.query(`drop database if exists ${CONTROL_DB} with (force)`));
  });

  it('registers the schema tenant with its layout and schema name', async () => {
    const { rows } = await withDatabase(fleet.control.url, (client) =>
      client.query(`select id, layout, schema_name from tenants where layout = 'schema'`),
    );
    expect(rows).toEqual([{ id: schemaTenant.id, layout: 'schema', schema_name: schemaTenant.schemaName }]);
    expect(schemaTenant.tier).toBe('enterprise');
  });

  it("puts a schema tenant's rows in its schema and none in public", async () => {
    expect(await rowsIn(schemaTenant, schemaTenant.schemaName)).toEqual(schemaTenant.rows);
    expect(await rowsIn(schemaTenant, null)).toEqual({ app_users: 0, orders: 0, events: 0 });
    const shared = expected.find((tenant) => tenant.layout === 'shared')!;
    expect(await rowsIn(shared, null)).toEqual(shared.rows);
  });

  it('counts both layouts when the load sizes its tenants', async () => {
    const directory = await readTenantDirectory(fleet);
    expect(directory.uncountedShards).toEqual([]);
    const sizes = new Map(directory.tenants.map((tenant) => [tenant.id, tenant.sizeRows]));
    for (const tenant of expected) expect(sizes.get(tenant.id)).toBe(tenantSizeRows(tenant.rows));
    expect(directory.tenants.find((tenant) => tenant.id === schemaTenant.id)?.schemaName).toBe(schemaTenant.schemaName);
  });

  it('seeds counters as if the API limit had been in front: never over it, the excess refused', async () => {
    const limits = await withDatabase(fleet.control.url, async (client) => {
      const { rows } = await client.query(`select tier, max_api_calls_per_hour::int as limit from tier_limits`);
      return new Map(rows.map((row) => [row.tier as string, row.limit as number]));
    });
    const redis = new Redis(fleet.redis.url);
    try {
      for (const tenant of expected) {
        for (const key of tenantUsageKeysForHours(tenant.id, new Date(), 24)) {
          const { api_calls = '0', rate_limited = '0' } = await redis.hgetall(key);
          expect(Number(api_calls)).toBeLessThanOrEqual(limits.get(tenant.tier)!);
          if (Number(rate_limited) > 0) expect(Number(api_calls)).toBe(limits.get(tenant.tier));
        }
      }
    } finally {
      redis.disconnect();
    }
  });

  it('reseeds after a crash before the directory was written without duplicating rows', async () => {
    await withDatabase(fleet.control.url, (client) => client.query('delete from tenants'));
    await seedDemoFleet(fleet, OPTIONS);
    expect(await rowsIn(schemaTenant, schemaTenant.schemaName)).toEqual(schemaTenant.rows);
    const shared = expected.find((tenant) => tenant.layout === 'shared')!;
    expect(await rowsIn(shared, null)).toEqual(shared.rows);
  });

  it("runs every load operation on a schema tenant's tables through PgBouncer as the app role", async () => {
    const routed = (await readTenantDirectory(fleet)).tenants.find((tenant) => tenant.id === schemaTenant.id)!;
    const client = new pg.Client({ connectionString: shardOf(schemaTenant).pooler!.url, application_name: `tenant:${schemaTenant.id}` });
    await client.connect();
    try {
      const query = (sql: string, values: unknown[]) => client.query(sql, values);
      const ids = await readIdRanges(query, routed);
      expect(ids.events).not.toBeNull();
      const operations = [...OPERATION_MIX.map(([operation]) => operation), 'unindexed_event_search' as const];
      for (const operation of operations) await runOperation(query, routed, ids, operation, () => 0.5);
    } finally {
      await client.end();
    }
    const after = await rowsIn(schemaTenant, schemaTenant.schemaName);
    expect(after.events).toBe(schemaTenant.rows.events + 1);
    expect(after.orders).toBe(schemaTenant.rows.orders + 1);
    expect((await rowsIn(schemaTenant, null)).events).toBe(0);
  });
});
