import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError, queryNode } from '@/lib/fleet/node-pools';
import type { TenantNodeSessions } from '@/lib/tenants/tenant-model';

/**
 * One tenant's live sessions on every node of its shard: the "connections
 * now" its tier's max_connections is measured against. Apps tag their
 * connections `application_name = tenant:<uuid>` (both tenant layouts).
 * Through PgBouncer in transaction mode these are the server connections the
 * pooler is using for the tenant or used for it last.
 */

/**
 * Sessions tagged with the tenant, how many run a query now, how many sit in
 * an open transaction, and the summed age of the running queries. Healthy:
 * well under the tier's max_connections, no long idle-in-transaction.
 */
export const TENANT_SESSIONS_SQL = `
  select
    count(*)::int as sessions,
    count(*) filter (where state = 'active')::int as active,
    count(*) filter (where state like 'idle in transaction%')::int as idle_in_transaction,
    coalesce(sum(extract(epoch from clock_timestamp() - query_start)) filter (where state = 'active'), 0)::float8 as active_seconds
  from pg_stat_activity
  where backend_type = 'client backend'
    and application_name = $1`;

interface TenantSessionsRow {
  sessions: number;
  active: number;
  idle_in_transaction: number;
  active_seconds: number;
}

export async function readTenantSessions(shard: ShardConfig, tenantId: string): Promise<TenantNodeSessions[]> {
  return Promise.all(
    shard.nodes.map(async (node): Promise<TenantNodeSessions> => {
      try {
        const [row] = await queryNode<TenantSessionsRow>(node, TENANT_SESSIONS_SQL, [`tenant:${tenantId}`]);
        return {
          nodeId: node.id,
          role: node.role,
          up: true,
          sessions: row.sessions,
          active: row.active,
          idleInTransaction: row.idle_in_transaction,
          activeSeconds: row.active_seconds,
        };
      } catch (error) {
        return { nodeId: node.id, role: node.role, up: false, sessions: 0, active: 0, idleInTransaction: 0, activeSeconds: 0, error: describeNodeError(error) };
      }
    }),
  );
}
