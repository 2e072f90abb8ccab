import pg from 'pg';

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

/**
 * Creates the tenant's schema and its tables from the public templates.
 * Idempotent: existing tables are left as they are.
 */
export async function createTenantSchema(client: Pick<pg.ClientBase, 'query'>, schemaName: string): Promise<void> {
  const schema = pg.escapeIdentifier(assertSchemaName(schemaName));
  await client.query(`create schema if not exists ${schema}`);
  for (const table of TENANT_TABLES) {
    const name = pg.escapeIdentifier(table);
    await client.query(`create table if not exists ${schema}.${name} (like public.${name} including all)`);
  }
}
