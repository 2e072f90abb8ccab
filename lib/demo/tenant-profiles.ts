import type { TenantLayout } from '@/lib/tenants/tenant-model';
import { tenantSchemaName } from '@/lib/tenants/tenant-schema';

/**
 * The demo tenant directory, generated from a seed number. Pure: no I/O, so the
 * same seed always yields the same tenants (ids included) and re-running the
 * seed against a purged sandbox rebuilds an identical fleet.
 *
 * The shape is meant to give the console something worth looking at: a skewed
 * tier mix, sizes spanning orders of magnitude (log-uniform within each tier),
 * an uneven placement (one crowded shard), a few pinned tenants, and the
 * largest enterprise tenants in schemas of their own (schema layout).
 */

export const DEMO_TIERS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type DemoTier = (typeof DEMO_TIERS)[number];

export interface TenantRowCounts {
  app_users: number;
  orders: number;
  events: number;
}

export interface DemoTenant {
  id: string;
  name: string;
  tier: DemoTier;
  shardId: string;
  /** Pinned tenants are never moved by the rebalancer. */
  pinned: boolean;
  /** shared: rows in the shard's public tables; schema: in a schema of its own (schemaName). */
  layout: TenantLayout;
  schemaName: string | null;
  rows: TenantRowCounts;
}

export interface DemoTenantOptions {
  count: number;
  shardIds: readonly string[];
  seed: number;
  /** Share of tenants per shard, same order as shardIds; defaults to one crowded shard (70/30 for two). */
  placementWeights?: readonly number[];
  /** Multiplies every row count (keeps at least one row per table). */
  scale?: number;
  /** How many of the largest enterprise tenants get the schema layout (default 4). */
  schemaTenantCount?: number;
}

/** Roughly what a SaaS free-tier-led funnel looks like: many free, few enterprise. */
const TIER_SHARE: Record<DemoTier, number> = { free: 0.5, starter: 0.3, professional: 0.15, enterprise: 0.05 };

/**
 * Events per tenant, drawn log-uniformly within the tier's range: ~10 rows for
 * a dormant free tenant up to ~40,000 for a busy enterprise one. Ranges overlap
 * so tier is a hint of size, not a rule.
 */
const EVENT_ROWS: Record<DemoTier, [number, number]> = {
  free: [10, 400],
  starter: [100, 3_000],
  professional: [1_000, 15_000],
  enterprise: [8_000, 40_000],
};

/** Users per tenant, inside the tier's max_users limit (5 / 25 / 250 / 5000). */
const USER_ROWS: Record<DemoTier, [number, number]> = {
  free: [1, 5],
  starter: [3, 25],
  professional: [10, 250],
  enterprise: [50, 2_000],
};

const PINNED_SHARE = 0.02;

/**
 * Isolation in a schema of its own is what the biggest contracts buy: a handful
 * is enough for the console and the rebalancer to meet both layouts.
 */
export const DEFAULT_SCHEMA_TENANT_COUNT = 4;

/** The first shard is the old crowded one; shards added later share the rest (70/30 with two). */
const CROWDED_SHARD_SHARE = 0.7;

const NAME_PREFIXES = [
  'acme', 'blue', 'bright', 'cedar', 'copper', 'delta', 'ember', 'fable', 'granite', 'harbor', 'indigo', 'juniper',
  'kestrel', 'lumen', 'maple', 'nimbus', 'orbit', 'pine', 'quartz', 'river', 'summit', 'tidal', 'umber', 'vertex',
  'willow', 'zephyr',
] as const;
const NAME_TRADES = [
  'logistics', 'analytics', 'health', 'retail', 'labs', 'foods', 'travel', 'media', 'finance', 'robotics', 'studio',
  'energy', 'farms', 'legal', 'games', 'freight', 'clinic', 'schools', 'security', 'housing',
] as const;

/** mulberry32: a tiny, fast, seedable PRNG; plenty for demo data, not for anything secret. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logUniform(random: () => number, [low, high]: [number, number]): number {
  return Math.round(Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low))));
}

/** Sixteen PRNG bytes with the version (4) and variant (10xx) bits set, formatted as a uuid. */
function deterministicUuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}

export function defaultPlacementWeights(shardCount: number): number[] {
  if (shardCount <= 1) return [1];
  const rest = (1 - CROWDED_SHARD_SHARE) / (shardCount - 1);
  return [CROWDED_SHARD_SHARE, ...Array.from({ length: shardCount - 1 }, () => rest)];
}

/**
 * Exact tier counts (largest remainder, at least one of each tier when there
 * are enough tenants), shuffled so tiers are independent of placement order.
 */
function tierSequence(count: number, random: () => number): DemoTier[] {
  const exact = DEMO_TIERS.map((tier) => count * TIER_SHARE[tier]);
  const counts = exact.map((share) => (count >= DEMO_TIERS.length ? Math.max(1, Math.floor(share)) : Math.floor(share)));
  const byRemainder = DEMO_TIERS.map((_tier, index) => index).sort((a, b) => (exact[b] % 1) - (exact[a] % 1));
  for (let next = 0; counts.reduce((sum, n) => sum + n, 0) < count; next += 1) counts[byRemainder[next % byRemainder.length]] += 1;
  while (counts.reduce((sum, n) => sum + n, 0) > count) counts[counts.indexOf(Math.max(...counts))] -= 1;
  const tiers = DEMO_TIERS.flatMap((tier, index) => Array.from({ length: counts[index] }, () => tier));
  return shuffle(tiers, random);
}

/**
 * Smooth weighted round-robin (as in nginx): the shard furthest behind its
 * share gets the next tenant, so any prefix of the list is within one tenant
 * of the requested split.
 */
function placementSequence(count: number, shardIds: readonly string[], weights: readonly number[]): string[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const current = weights.map(() => 0);
  const placement: string[] = [];
  for (let index = 0; index < count; index += 1) {
    weights.forEach((weight, shard) => (current[shard] += weight));
    const chosen = current.indexOf(Math.max(...current));
    current[chosen] -= total;
    placement.push(shardIds[chosen]);
  }
  return placement;
}

export function buildDemoTenants(options: DemoTenantOptions): DemoTenant[] {
  const { count, shardIds, seed, scale = 1 } = options;
  if (shardIds.length === 0) throw new Error('buildDemoTenants: at least one shard id is needed');
  const weights = options.placementWeights ?? defaultPlacementWeights(shardIds.length);
  if (weights.length !== shardIds.length || weights.some((weight) => !(weight >= 0)) || !weights.some((weight) => weight > 0)) {
    throw new Error('buildDemoTenants: placementWeights needs one non-negative weight per shard, not all zero');
  }
  const random = mulberry32(seed);
  const tiers = tierSequence(count, random);
  const placement = placementSequence(count, shardIds, weights);
  const scaled = (rows: number) => Math.max(1, Math.round(rows * scale));

  const tenants: DemoTenant[] = tiers.map((tier, index) => {
    const events = logUniform(random, EVENT_ROWS[tier]);
    // Orders run at about a quarter of events, give or take 40%.
    const orders = Math.max(1, Math.round((events / 4) * (0.6 + random() * 0.8)));
    const prefix = NAME_PREFIXES[Math.floor(random() * NAME_PREFIXES.length)];
    const trade = NAME_TRADES[Math.floor(random() * NAME_TRADES.length)];
    return {
      id: deterministicUuid(random),
      // The numeric suffix is the tenant's position, which is what keeps names unique.
      name: `${prefix}-${trade}-${String(index + 1).padStart(3, '0')}`,
      tier,
      shardId: placement[index],
      pinned: false,
      layout: 'shared',
      schemaName: null,
      rows: { app_users: scaled(logUniform(random, USER_ROWS[tier])), orders: scaled(orders), events: scaled(events) },
    };
  });

  // Pinning is a contract thing: it goes to paying tiers first (enterprise, then professional).
  const pinnedCount = count === 0 ? 0 : Math.max(1, Math.round(count * PINNED_SHARE));
  const byTierThenChance = shuffle([...tenants], random).sort((a, b) => DEMO_TIERS.indexOf(b.tier) - DEMO_TIERS.indexOf(a.tier));
  for (const tenant of byTierThenChance.slice(0, pinnedCount)) tenant.pinned = true;

  // The largest enterprise tenants (ties by id) take the schema layout; no draw, so the ids above stay as they were.
  const schemaTenants = tenants
    .filter((tenant) => tenant.tier === 'enterprise')
    .sort((a, b) => tenantSizeRows(b.rows) - tenantSizeRows(a.rows) || a.id.localeCompare(b.id))
    .slice(0, options.schemaTenantCount ?? DEFAULT_SCHEMA_TENANT_COUNT);
  for (const tenant of schemaTenants) {
    tenant.layout = 'schema';
    tenant.schemaName = tenantSchemaName(tenant.id);
  }
  return tenants;
}

/** Rows the tenant holds across its tables: the proxy for its size and its traffic. */
export function tenantSizeRows(rows: TenantRowCounts): number {
  return rows.app_users + rows.orders + rows.events;
}

/** A middling size for the tier (events, plus a quarter for orders): the stand-in when a shard cannot be counted. */
export function typicalTierSizeRows(tier: string): number {
  const range = EVENT_ROWS[tier as DemoTier] ?? EVENT_ROWS.free;
  return Math.round(Math.sqrt(range[0] * range[1]) * 1.25);
}

