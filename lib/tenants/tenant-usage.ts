import { findShard } from '@/lib/fleet/topology';
import { readTenantSessions } from '@/lib/monitor/tenant-sessions';
import { readTenantHours, type HourBucket } from './hour-counters';
import { getTenantRecord } from './tenant-detail';
import { toUsageFigure, usageHours, cacheSummary, sessionTotals } from './tenant-usage-model';
import type { TenantNodeSessions, TenantUsage } from './tenant-model';

/**
 * A tenant's usage against its tier's four limits, each number with where it
 * comes from: connections live from the shard's nodes, API calls and cache
 * from Redis, storage and users from the worker's latest measurement. The
 * three sources are read in parallel; each one failing costs its own numbers.
 */

/** The dashboard's 24 h chart: one bucket per UTC hour. */
const USAGE_HOURS = 24;

export async function getTenantUsage(id: string, now: Date = new Date()): Promise<TenantUsage> {
  const tenant = await getTenantRecord(id);
  const shard = findShard(tenant.shardId);

  const [sessionsResult, hoursResult] = await Promise.allSettled([
    shard ? readTenantSessions(shard, tenant.id) : Promise.resolve<TenantNodeSessions[]>([]),
    readTenantHours(tenant.id, USAGE_HOURS, now),
  ]);
  const nodes = sessionsResult.status === 'fulfilled' ? sessionsResult.value : [];
  let hours: HourBucket[] | null = null;
  if (hoursResult.status === 'fulfilled') hours = hoursResult.value;
  else console.warn('[tenants] counters unavailable:', (hoursResult.reason as Error).message);

  const sessions = sessionTotals(nodes);
  const thisHour = hours?.at(-1)?.counters ?? null;
  const shardLabel = shard ? shard.id : `${tenant.shardId} (not in the fleet file)`;
  const { limits } = tenant;

  return {
    tenantId: tenant.id,
    tier: tenant.tier,
    shardId: tenant.shardId,
    at: now.toISOString(),
    limits: { maxConnections: limits.maxConnections, maxApiCallsPerHour: limits.maxApiCallsPerHour, maxStorageBytes: limits.maxStorageBytes, maxUsers: limits.maxUsers },
    usage: {
      connections: toUsageFigure(sessions.now, limits.maxConnections, {
        source: `live: sessions tagged tenant:<id> in pg_stat_activity on ${nodes.filter((node) => node.up).length} of ${nodes.length} nodes of ${shardLabel}`,
        at: now,
        unavailable: sessions.shardDown ? `shard down: no node of ${shardLabel} answered` : undefined,
      }),
      apiCalls: toUsageFigure(thisHour ? thisHour.api_calls : null, limits.maxApiCallsPerHour, {
        source: 'Redis: api_calls in this UTC hour’s counter',
        at: now,
        unavailable: thisHour ? undefined : 'counters unavailable: Redis did not answer',
      }),
      storage: toUsageFigure(tenant.measured?.storageBytes ?? null, limits.maxStorageBytes, {
        source:
          tenant.measured?.method === 'schema'
            ? 'measured by the worker: total size of the tenant’s schema (tables, TOAST, indexes)'
            : 'measured by the worker: its share of each shared table (heap and TOAST by row bytes, indexes by rows)',
        at: tenant.measured ? new Date(tenant.measured.measuredAt) : null,
        unavailable: tenant.measured ? undefined : 'not measured yet',
      }),
      users: toUsageFigure(tenant.measured?.users ?? null, limits.maxUsers, {
        source: 'measured by the worker: the tenant’s rows in app_users',
        at: tenant.measured ? new Date(tenant.measured.measuredAt) : null,
        unavailable: tenant.measured ? undefined : 'not measured yet',
      }),
    },
    sessions: { shardDown: sessions.shardDown, now: sessions.now, active: sessions.active, activeSeconds: sessions.activeSeconds, nodes },
    countersAvailable: hours !== null,
    cache: hours ? cacheSummary(hours) : null,
    hours: hours ? usageHours(hours) : [],
    storageMethod: tenant.measured?.method ?? null,
  };
}
