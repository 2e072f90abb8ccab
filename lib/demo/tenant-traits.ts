import { mulberry32 } from './tenant-profiles';

/**
 * Stable per-tenant traits of the demo, derived from the tenant id alone, so
 * the seeded history and the live load agree on how a tenant behaves: its
 * cache hit rate, how hard it calls the API, whether a runaway client
 * hammers it. Pure; unit-tested.
 */

/** 32-bit FNV-1a: turns a tenant id into a stable number for per-tenant traits. */
function hashTenantId(tenantId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < tenantId.length; index += 1) {
    hash ^= tenantId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Share of tenants whose cache mostly misses: the "why is this tenant hammering the shard" case. */
const POOR_CACHE_SHARE = 0.05;

/**
 * The tenant's cache hit rate: most tenants sit at 80–97%, about one in twenty at 20–50%.
 */
export function tenantCacheHitRate(tenantId: string): number {
  const random = mulberry32(hashTenantId(tenantId));
  return random() < POOR_CACHE_SHARE ? 0.2 + random() * 0.3 : 0.8 + random() * 0.17;
}

/**
 * API calls per hour per stored row (log-uniform 0.02–2.5): some tenants are
 * archives, others hammer a small data set.
 */
export function tenantApiCallsPerRowHour(tenantId: string): number {
  const random = mulberry32(hashTenantId(tenantId) ^ 0x9e3779b9);
  return Math.exp(Math.log(0.02) + random() * (Math.log(2.5) - Math.log(0.02)));
}

/** Share of tenants with a client polling in a loop (a cron job gone wrong, a retry storm). */
const RUNAWAY_SHARE = 0.08;
const RUNAWAY_CALLS_PER_HOUR: [number, number] = [1_500, 5_000];

/**
 * Extra API calls per hour from a runaway client, whatever the tenant's size;
 * 0 for most tenants. These are what the API limit exists for: on the free
 * tier (1,000 calls/hour) each of them runs into it, paid tiers absorb them.
 */
export function tenantRunawayCallsPerHour(tenantId: string): number {
  const random = mulberry32(hashTenantId(tenantId) ^ 0x2545f491);
  if (random() >= RUNAWAY_SHARE) return 0;
  const [low, high] = RUNAWAY_CALLS_PER_HOUR;
  return Math.round(Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low))));
}

/** The tenant's API calls in its busiest hour: its rows times its call rate, plus any runaway client. */
export function tenantPeakApiCallsPerHour(tenantId: string, sizeRows: number): number {
  return sizeRows * tenantApiCallsPerRowHour(tenantId) + tenantRunawayCallsPerHour(tenantId);
}

export interface TrafficTenant {
  id: string;
  /** Rows the tenant holds across its tables. */
  sizeRows: number;
}

/**
 * Live traffic follows each tenant's API call rate, a little less than
 * linearly: purely proportional traffic would leave most free tenants without
 * a single query in a few-minute demo.
 */
const TRAFFIC_EXPONENT = 0.8;

/** Returns a picker drawing tenants with probability ~ (peak API calls per hour)^0.8. */
export function weightedTenantPicker<T extends TrafficTenant>(tenants: readonly T[], random: () => number): () => T {
  if (tenants.length === 0) throw new Error('weightedTenantPicker: no tenants to pick from');
  const cumulative: number[] = [];
  let total = 0;
  for (const tenant of tenants) {
    total += Math.pow(Math.max(1, tenantPeakApiCallsPerHour(tenant.id, tenant.sizeRows)), TRAFFIC_EXPONENT);
    cumulative.push(total);
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return tenants[low];
  };
}
