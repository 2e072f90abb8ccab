import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { findShard } from '@/lib/fleet/topology';
import { getReadTarget } from '@/lib/monitor/read-target';
import { requireTenantId } from './tenant-detail';
import { primaryReaderFallback, readerEndpoint, toTenantRoute, type TenantRouteRow } from './tenant-route-endpoints';
import type { TenantRoute } from './tenant-route-model';

/**
 * A tenant's route for the platform's apps (GET /api/tenants/:id/route): the
 * directory row (tenants.shard_id is the single source of truth), the shard's
 * writer endpoint from the fleet file, its read target, and route_version.
 *
 * Cost per call: one primary-key lookup on the control DB, plus the shard's
 * replication snapshot, which is coalesced per shard across web instances
 * (lib/monitor/replication.ts) — a thousand app instances revalidating cost
 * the shard what the Replication panel costs.
 */

/**
 * The directory row of one tenant, read on the control primary (never a
 * replica: right after a NOTIFY, the caller must see the committed switch).
 */
const TENANT_ROUTE_SQL = `
  select id::text as id, shard_id, status, layout, schema_name, route_version::text as route_version
  from tenants
  where id = $1`;

async function readRouteRow(tenantId: string): Promise<TenantRouteRow | undefined> {
  try {
    const { rows } = await getControlPool().query<TenantRouteRow>(TENANT_ROUTE_SQL, [tenantId]);
    return rows[0];
  } catch (error) {
    // The app keeps its cached route and retries: a 503 says "try again", a 500 would say "bug".
    throw new ApiError('unavailable', `tenant directory unavailable: control database ${describeNodeError(error)}`);
  }
}

/**
 * getReadTarget never fails on a down node (the primary is chosen, and the
 * reason says so) and is bounded by the node timeout; anything else going
 * wrong still must not cost the app its writer endpoint, so reads fall back
 * to the primary here too.
 */
async function readerFor(shard: ShardConfig): Promise<TenantRoute['reader']> {
  try {
    return readerEndpoint(await getReadTarget(shard));
  } catch (error) {
    console.warn(`[tenant-route] read target of ${shard.id} unknown: ${describeNodeError(error)}`);
    return primaryReaderFallback(shard);
  }
}

/** The tenant's route; 400 for an id that is not a uuid, 404 for a tenant not in the directory. */
export async function getTenantRoute(id: string): Promise<TenantRoute> {
  const tenantId = requireTenantId(id);
  const row = await readRouteRow(tenantId);
  if (!row) throw new ApiError('not_found', `no tenant ${tenantId}`, 'id');
  const shard = findShard(row.shard_id);
  if (!shard) {
    throw new ApiError('unavailable', `tenant ${tenantId} is on shard "${row.shard_id}", which the fleet file does not list`);
  }
  return toTenantRoute(row, shard, await readerFor(shard));
}
