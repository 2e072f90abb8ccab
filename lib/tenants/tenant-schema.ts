import pg from 'pg';
import { attachFenceTriggerSql } from '@/lib/rebalance/move-fence-sql';

/**
 * Schema-per-tenant layout on a shard: one schema per tenant holding the same
 * tables as the shared layout (same columns, keys, identities and indexes,
 * tenant_id included), so a statement, a catalog comparison or a move treats
 * both layouts alike. The shared tables in `public` are the template.
 */

/** The tenant tables every shard holds, in `public` (shared) or in a tenant's schema. */
export const TENANT_TABLES = ['app_users', 'orders', 'events'] as const;
export type TenantTable = (typeof TENANT_TABLES)[number];

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCHEMA_NAME_SHAPE = /^[a-z_][a-z0-9_]{0,62}$/;

/** `tenant_<32 hex digits>`: derived from the id, so it never collides and never needs quoting. */
export function tenantSchemaName(tenantId: string): string {
  if (!UUID_SHAPE.test(tenantId)) throw new Error(`not a tenant id: "${tenantId}"`);
  return `tenant_${tenantId.toLowerCase().replaceAll('-', '')}`;
}

export function assertSchemaName(schemaName: string): string {
  if (!SCHEMA_NAME_SHAPE.test(schemaName) || schemaName === 'public' || schemaName.startsWith('pg_')) {
    throw new Error(`not a tenant schema name: "${schemaName}"`);
  }
  return schemaName;
}

/** `"tenant_…"."orders"` for a schema tenant, `orders` for a shared one. */
export function qualifiedTenantTable(table: TenantTable, schemaName: string | null): string {
  return schemaName ? `${pg.escapeIdentifier(assertSchemaName(schemaName))}.${pg.escapeIdentifier(table)}` : table;
}

export type TenantTableNames = Record<TenantTable, string>;

/** Every tenant table's name as a statement writes it for this tenant: plain for shared, schema-qualified for schema. */
export function tenantTableNames(schemaName: string | null): TenantTableNames {
  return Object.fromEntries(TENANT_TABLES.map((table) => [table, qualifiedTenantTable(table, schemaName)])) as TenantTableNames;
}

/**
 * Who may do what on a public template table, other than its owner: the
 * privileges a tenant schema's copy must carry too, or the apps' role (which
 * reaches public tables through default privileges) could not touch it.
 * Grantee 0 is PUBLIC.
 */
const TEMPLATE_TABLE_GRANTS = `
  select case when acl.grantee = 0 then null else acl.grantee::regrole::text end as grantee,
         acl.privilege_type
  from pg_class c
  cross join lateral aclexplode(c.relacl) as acl
  where c.oid = $1::regclass
    and acl.grantee <> c.relowner`;

const TABLE_PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']);

/**
 * Creates the tenant's schema and its tables from the public templates, with
 * the templates' grants (and USAGE on the schema for every grantee) and the
 * move fence's trigger (LIKE copies no triggers; see
 * supabase/shards/migrations/20261201000002_move_fence.sql).
 * Idempotent: existing tables are left as they are, grants and the trigger are re-applied.
 */
export async function createTenantSchema(client: Pick<pg.ClientBase, 'query'>, schemaName: string): Promise<void> {
  const schema = pg.escapeIdentifier(assertSchemaName(schemaName));
  await client.query(`create schema if not exists ${schema}`);
  const grantees = new Set<string>();
  for (const table of TENANT_TABLES) {
    const name = pg.escapeIdentifier(table);
    await client.query(`create table if not exists ${schema}.${name} (like public.${name} including all)`);
    await client.query(attachFenceTriggerSql(`${schema}.${name}`));
    const { rows } = await client.query<{ grantee: string | null; privilege_type: string }>(TEMPLATE_TABLE_GRANTS, [`public.${name}`]);
    for (const { grantee, privilege_type: privilege } of rows) {
      if (!TABLE_PRIVILEGES.has(privilege)) continue;
      // regrole::text already quotes a name that needs it.
      const role = grantee ?? 'public';
      await client.query(`grant ${privilege} on ${schema}.${name} to ${role}`);
      grantees.add(role);
    }
  }
  for (const role of grantees) await client.query(`grant usage on schema ${schema} to ${role}`);
}

/** Drops the tenant's schema and everything in it (a move's cleanup, a demo reseed). */
export async function dropTenantSchema(client: Pick<pg.ClientBase, 'query'>, schemaName: string): Promise<void> {
  await client.query(`drop schema if exists ${pg.escapeIdentifier(assertSchemaName(schemaName))} cascade`);
}
