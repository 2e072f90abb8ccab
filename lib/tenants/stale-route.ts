import { SCHEMA_GONE_SQLSTATES, STALE_ROUTE_SQLSTATES, type TenantRoute } from './tenant-route-model';

/**
 * Whether a statement's error means the app's route to a tenant is stale:
 * the shard refused the tenant as fenced or moved (SSF01, SSM01), or, for a
 * schema-layout tenant, its schema is gone from that shard.
 */

/** The SQLSTATE of a driver error (pg puts it on `code`; wrappers often keep the driver's error as `cause`). */
function sqlstateOf(error: unknown): string | undefined {
  const codeOf = (value: unknown) => (value && typeof value === 'object' ? (value as { code?: unknown }).code : undefined);
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  return typeof code === 'string' ? code : undefined;
}

export function isStaleRouteError(error: unknown): boolean {
  return (STALE_ROUTE_SQLSTATES as readonly (string | undefined)[]).includes(sqlstateOf(error));
}

/** For a schema-layout tenant, its schema missing on the route's shard also means the route may be stale (SCHEMA_GONE_SQLSTATES). */
export function isStaleForRoute(route: TenantRoute, error: unknown): boolean {
  return isStaleRouteError(error) || (route.schemaName !== null && (SCHEMA_GONE_SQLSTATES as readonly (string | undefined)[]).includes(sqlstateOf(error)));
}
