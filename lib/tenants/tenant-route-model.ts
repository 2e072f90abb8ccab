/**
 * Tenant routing for apps: what GET /api/tenants/:id/route answers, and the
 * change notifications the routing client (lib/tenants/routing-client.ts)
 * listens for. Types and constants only; no credentials ever travel here.
 */

export interface RouteEndpoint {
  host: string;
  port: number;
  database: string;
}

export interface TenantRoute {
  tenantId: string;
  shardId: string;
  /** The directory status: 'fenced' means writes are blocked for a moment (a move is switching). */
  status: 'active' | 'moving' | 'fenced' | 'suspended';
  layout: 'shared' | 'schema';
  /** The tenant's schema on the shard (schema layout); null for shared tables. */
  schemaName: string | null;
  /** Where writes go: the shard's PgBouncer (its primary when the shard has no pooler). */
  writer: RouteEndpoint;
  /** Where reads may go now: the shard's read target (a replica within the lag threshold, else the primary). */
  reader: RouteEndpoint & { nodeId: string; role: 'primary' | 'replica'; reason: string };
  /** Bumped by the control DB on every change of the tenant's shard or status. */
  version: number;
}

/** Postgres NOTIFY channel on the control DB, payload TenantRouteNotification as JSON. */
export const TENANT_ROUTE_PG_CHANNEL = 'shardscope_tenant_route';
/** Redis pub/sub channel carrying the same payload, for apps that cannot reach the control DB. */
export const TENANT_ROUTE_REDIS_CHANNEL = 'shardscope:tenant-route';

export interface TenantRouteNotification {
  tenantId: string;
  version: number;
}

/**
 * SQLSTATEs a shard raises when a statement reached it with a stale route:
 * SSF01 the tenant is fenced there (a switch is under way), SSM01 the tenant
 * has moved away. The routing client refreshes the route on either.
 */
export const STALE_ROUTE_SQLSTATES = ['SSF01', 'SSM01'] as const;

/**
 * A schema-layout tenant's move ends by dropping its schema on the old shard,
 * and the fence triggers with it: a stale writer there gets undefined_table
 * (or invalid_schema_name) instead of SSM01. For such a route these also
 * refresh it (once; a route that was right fails the same way again).
 */
export const SCHEMA_GONE_SQLSTATES = ['42P01', '3F000'] as const;
