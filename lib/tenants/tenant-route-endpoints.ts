import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { parseNodeAddress } from '@/lib/fleet/node-address';
import { formatSeconds } from '@/lib/format';
import type { ReadTarget } from '@/lib/monitor/replication-types';
import type { RouteEndpoint, TenantRoute } from './tenant-route-model';

/**
 * Pure assembly of a tenant's route (GET /api/tenants/:id/route) from its
 * directory row, its shard's fleet-file entry and the shard's read target.
 * Endpoints are host, port and database only: every URL goes through
 * parseNodeAddress, which never returns the user or password.
 */

export interface TenantRouteRow {
  id: string;
  shard_id: string;
  status: TenantRoute['status'];
  layout: TenantRoute['layout'];
  schema_name: string | null;
  /** bigint from pg: a string. */
  route_version: string;
}

function primaryNode(shard: ShardConfig): ShardConfig['nodes'][number] {
  // The fleet-file schema guarantees exactly one primary per shard.
  return shard.nodes.find((node) => node.role === 'primary')!;
}

/** Where the tenant's writes go: the shard's PgBouncer, or its primary when it has none. */
export function writerEndpoint(shard: ShardConfig): RouteEndpoint {
  return parseNodeAddress(shard.pooler?.url ?? primaryNode(shard).url);
}

/**
 * The read target as apps get it. The reason names the choice, not the lag
 * of the moment: lag numbers change on every request and would change the
 * ETag with them, so a route that has not changed could never be a 304.
 */
export function readerEndpoint(target: ReadTarget): TenantRoute['reader'] {
  const { nodeId, role, host, port, database } = target.target;
  const reason =
    role === 'replica'
      ? `${nodeId} is streaming within the ${formatSeconds(target.lagThresholdSeconds)} lag threshold`
      : target.reason;
  return { host, port, database, nodeId, role, reason };
}

/** When the read target cannot be worked out at all: reads go to the primary, and the reason says why. */
export function primaryReaderFallback(shard: ShardConfig): TenantRoute['reader'] {
  const primary = primaryNode(shard);
  return {
    ...parseNodeAddress(primary.url),
    nodeId: primary.id,
    role: 'primary',
    reason: 'replica state unknown (the shard did not answer): reads go to the primary',
  };
}

export function toTenantRoute(row: TenantRouteRow, shard: ShardConfig, reader: TenantRoute['reader']): TenantRoute {
  return {
    tenantId: row.id,
    shardId: row.shard_id,
    status: row.status,
    layout: row.layout,
    schemaName: row.schema_name,
    writer: writerEndpoint(shard),
    reader,
    version: Number(row.route_version),
  };
}
