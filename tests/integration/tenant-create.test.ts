import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST as createTenantRoute } from '@/app/api/tenants/route';
import type { CreatedTenant } from '@/lib/rebalance/rebalance-model';
import { dropTenantSchema, TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { ownControlDb, withDatabase } from './own-control-db';

/**
 * POST /api/tenants through the real route handler: placement by the rule on
 * a fleet whose first shard holds three times the second's measured bytes,
 * placement on a named shard, the schema layout's schema on the shard, and
 * refusals that leave nothing behind. The directory is a control database of
 * this file's own (so other tests' tenants never tip the placement); the
 * shards are the sandbox's, and every schema created here is dropped again.
 */

const CONTROL_DB = 'it_tenant_create';
const GiB = 1024 ** 3;

const controlDb = ownControlDb(CONTROL_DB);
const { fleet, withControl, sampleFleet } = controlDb;
const shardOf = (shardId: string) => fleet.shards.find((shard) => shard.id === shardId)!;

const PREFIX = `itcreate${Date.now().toString(36)}`;

/** Measured bytes per shard: 6 × 10 GiB on shard-1, 2 × 10 GiB on shard-2. */
const EXISTING = [
  ...Array.from({ length: 6 }, (_, index) => ({ id: randomUUID(), name: `${PREFIX}-crowded-${index}`, shardId: 'shard-1' })),
  ...Array.from({ length: 2 }, (_, index) => ({ id: randomUUID(), name: `${PREFIX}-light-${index}`, shardId: 'shard-2' })),
];

type Role = 'viewer' | 'operator' | 'admin';

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

async function create(body: unknown, role: Role = 'admin', origin = true): Promise<{ status: number; body: CreatedTenant & ErrorBody }> {
  const headers: Record<string, string> = { host: CONSOLE_HOST, cookie: sessionCookie(role), 'content-type': 'application/json' };
  if (origin) headers.origin = `http://${CONSOLE_HOST}`;
  const request = new NextRequest(`http://${CONSOLE_HOST}/api/tenants`, { method: 'POST', headers, body: JSON.stringify(body) });
  const response = await createTenantRoute(request, { params: Promise.resolve({}) });
  const json = await response.json();
  if (response.status === 201) created.push(json as CreatedTenant);
  return { status: response.status, body: json };
}

/** Everything this file created, for the cleanup. */
const created: CreatedTenant[] = [];




/** Tenant schemas on a shard now, by name. */
async function tenantSchemasOn(shardId: string): Promise<string[]> {
  return withDatabase(shardOf(shardId).adminUrl, async (client) => {
    const { rows } = await client.query(`select nspname from pg_namespace where nspname like 'tenant\\_%' order by 1`);
    return rows.map((row) => row.nspname as string);
  });
}

async function tenantNamed(name: string): Promise<{ id: string; shard_id: string; layout: string; schema_name: string | null; tier: string } | undefined> {
  return withControl(async (client) => (await client.query('select id::text, shard_id, layout, schema_name, tier from tenants where name = $1', [name])).rows[0]);
}

async function createAudits(): Promise<{ target: string; detail: Record<string, unknown> }[]> {
  return withControl(async (client) => (await client.query(`select target, detail from audit_log where action = 'tenant.create' order by id`)).rows);
}

async function setShardStatus(shardId: string, status: 'active' | 'draining'): Promise<void> {
  await withControl((client) => client.query('update shards set status = $2 where id = $1', [shardId, status]));
}

describe('tenant creation and placement', () => {
  beforeAll(async () => {
    await controlDb.create();
    await withControl(async (client) => {
      await client.query(
        `insert into tenants (id, name, tier, shard_id) select id, name, 'professional', shard_id from unnest($1::uuid[], $2::text[], $3::text[]) as t (id, name, shard_id)`,
        [EXISTING.map((t) => t.id), EXISTING.map((t) => t.name), EXISTING.map((t) => t.shardId)],
      );
      await client.query(
        `insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method)
         select id, shard_id, now(), now(), $3, 10, 'apportioned' from unnest($1::uuid[], $2::text[]) as t (id, shard_id)`,
        [EXISTING.map((t) => t.id), EXISTING.map((t) => t.shardId), 10 * GiB],
      );
    });
  });

  beforeEach(sampleFleet);

  afterAll(async () => {
    for (const tenant of created.filter((candidate) => candidate.schemaName)) {
      await withDatabase(shardOf(tenant.shardId).adminUrl, (client) => dropTenantSchema(client, tenant.schemaName!));
    }
    await controlDb.drop();
  });

  it('places a new tenant on the lighter shard and audits where it went and why', async () => {
    const name = `${PREFIX}-placed`;
    const { status, body } = await create({ name, tier: 'starter' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ name, tier: 'starter', layout: 'shared', schemaName: null, shardId: 'shard-2' });
    expect(body.placement).toMatchObject({ shardId: 'shard-2', chosenBy: 'rule', dimension: 'mixed' });
    expect(body.placement.reason).toMatch(/shard-2/);
    expect(await tenantNamed(name)).toEqual({ id: body.tenantId, shard_id: 'shard-2', layout: 'shared', schema_name: null, tier: 'starter' });

    const audit = (await createAudits()).find((row) => row.target === `tenant ${body.tenantId}`);
    expect(audit?.detail).toMatchObject({ name, tier: 'starter', layout: 'shared', shardId: 'shard-2', placement: { shardId: 'shard-2', chosenBy: 'rule' } });
  });

  it("creates a schema tenant's schema and tables on its shard, usable by the apps' role", async () => {
    const name = `${PREFIX}-schema`;
    const { status, body } = await create({ name, tier: 'enterprise', layout: 'schema' });
    expect(status).toBe(201);
    expect(body.shardId).toBe('shard-2');
    expect(body.schemaName).toBe(`tenant_${body.tenantId.replaceAll('-', '')}`);
    expect((await tenantNamed(name))?.schema_name).toBe(body.schemaName);

    const tables = await withDatabase(shardOf('shard-2').adminUrl, async (client) => {
      const { rows } = await client.query(
        `select table_name, has_table_privilege('app', quote_ident(table_schema) || '.' || quote_ident(table_name), 'insert') as app_may_insert
         from information_schema.tables where table_schema = $1 order by 1`,
        [body.schemaName],
      );
      return rows;
    });
    expect(tables).toEqual([...TENANT_TABLES].sort().map((table) => ({ table_name: table, app_may_insert: true })));
    expect(await tenantSchemasOn('shard-1')).not.toContain(body.schemaName);
  });

  it('places on the shard an admin names when it is active', async () => {
    const { status, body } = await create({ name: `${PREFIX}-requested`, tier: 'free', shardId: 'shard-1' });
    expect(status).toBe(201);
    expect(body.shardId).toBe('shard-1');
    expect(body.placement).toMatchObject({ shardId: 'shard-1', chosenBy: 'requested' });
  });

  it('refuses a draining shard with a 400 naming shardId and changes nothing; the rule skips it', async () => {
    const name = `${PREFIX}-on-draining`;
    const schemasBefore = await tenantSchemasOn('shard-2');
    const auditsBefore = (await createAudits()).length;
    await setShardStatus('shard-2', 'draining');
    try {
      const refused = await create({ name, tier: 'starter', layout: 'schema', shardId: 'shard-2' });
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe('shardId');
      expect(refused.body.error.message).toMatch(/draining/);
      expect(await tenantNamed(name)).toBeUndefined();
      expect(await tenantSchemasOn('shard-2')).toEqual(schemasBefore);
      expect((await createAudits()).length).toBe(auditsBefore);

      const byRule = await create({ name, tier: 'starter' });
      expect(byRule.status).toBe(201);
      expect(byRule.body.shardId).toBe('shard-1');
    } finally {
      await setShardStatus('shard-2', 'active');
    }
  });

  it('refuses a name already taken (after trimming) with a 409 naming name', async () => {
    const name = `${PREFIX}-twice`;
    expect((await create({ name, tier: 'free' })).status).toBe(201);
    const again = await create({ name: `  ${name} `, tier: 'free', layout: 'schema' });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('name');
    expect(await withControl(async (client) => (await client.query('select count(*)::int as n from tenants where name = $1', [name])).rows[0].n)).toBe(1);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: `${PREFIX}-bad`, tier: 'gold' }, 'tier'],
      [{ name: '', tier: 'free' }, 'name'],
      [{ name: '    ', tier: 'free' }, 'name'],
      [{ name: 'x'.repeat(201), tier: 'free' }, 'name'],
      [{ tier: 'free' }, 'name'],
      [{ name: `${PREFIX}-bad`, tier: 'free', layout: 'pod' }, 'layout'],
      [{ name: `${PREFIX}-bad`, tier: 'free', shardId: 'shard-9' }, 'shardId'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect({ body, status: response.status, field: response.body.error?.field }).toEqual({ body, status: 400, field });
    }
    expect(await tenantNamed(`${PREFIX}-bad`)).toBeUndefined();
  });

  it('refuses viewers, operators and requests from another origin', async () => {
    const name = `${PREFIX}-refused`;
    expect((await create({ name, tier: 'free' }, 'viewer')).status).toBe(403);
    expect((await create({ name, tier: 'free' }, 'operator')).status).toBe(403);
    const foreign = await create({ name, tier: 'free' }, 'admin', false);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.field).toBe('Origin');
    expect(await tenantNamed(name)).toBeUndefined();
  });

  it('drops the new schema again when the directory row cannot be written', async () => {
    const name = `${PREFIX}-unwritable`;
    const schemasBefore = await tenantSchemasOn('shard-2');
    // The directory refuses this one name: the control insert fails after the schema exists on the shard.
    await withControl(async (client) => {
      await client.query(`
        create function it_refuse_tenant() returns trigger language plpgsql as $$
        begin
          if new.name = '${name}' then raise exception 'directory refuses %', new.name; end if;
          return new;
        end $$`);
      await client.query(`create trigger it_refuse_tenant before insert on tenants for each row execute function it_refuse_tenant()`);
    });
    try {
      const { status, body } = await create({ name, tier: 'enterprise', layout: 'schema' });
      expect(status).toBe(500);
      expect(body.error.message).toBe('internal error');
    } finally {
      await withControl(async (client) => {
        await client.query('drop trigger it_refuse_tenant on tenants');
        await client.query('drop function it_refuse_tenant()');
      });
    }
    expect(await tenantNamed(name)).toBeUndefined();
    expect(await tenantSchemasOn('shard-2')).toEqual(schemasBefore);
  });
});
