/**
 * Tenants against their tier: the shapes the tenant API returns and the pure
 * math of usage against limits and cache hit rates. No I/O; unit-tested.
 */

export const TIERS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export const TENANT_STATUSES = ['active', 'moving', 'fenced', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const TENANT_LAYOUTS = ['shared', 'schema'] as const;
export type TenantLayout = (typeof TENANT_LAYOUTS)[number];

/** The four limits every tier sets, per tenant. */
export const LIMIT_KINDS = ['connections', 'apiCalls', 'storage', 'users'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

export interface Limits {
  maxConnections: number;
  maxApiCallsPerHour: number;
  maxStorageBytes: number;
  maxUsers: number;
}

export interface TierLimits extends Limits {
  tier: Tier;
  /** free 0 … enterprise 3: a higher tier should not have lower limits. */
  rank: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** A tenant at or above this share of any limit is "near a limit". */
export const NEAR_LIMIT_RATIO = 0.8;
/** At or above the limit is "over": the API limiter refuses the call that would pass it, so usage stops at 100 %. */
export const OVER_LIMIT_RATIO = 1;

export type LimitState = 'ok' | 'near' | 'over' | 'unknown';

export function limitOf(limits: Limits, kind: LimitKind): number {
  switch (kind) {
    case 'connections':
      return limits.maxConnections;
    case 'apiCalls':
      return limits.maxApiCallsPerHour;
    case 'storage':
      return limits.maxStorageBytes;
    case 'users':
      return limits.maxUsers;
  }
}

/** Used / limit; null when the usage is unknown (never a made-up 0). */
export function usageRatio(used: number | null, limit: number): number | null {
  if (used === null || !Number.isFinite(used) || !(limit > 0)) return null;
  return used / limit;
}

export function limitState(ratio: number | null): LimitState {
  if (ratio === null) return 'unknown';
  if (ratio >= OVER_LIMIT_RATIO) return 'over';
  if (ratio >= NEAR_LIMIT_RATIO) return 'near';
  return 'ok';
}

export type UsageByLimit = Record<LimitKind, number | null>;

/** The limit the tenant is closest to (or furthest over); null when no usage is known. */
export function peakLimit(usage: UsageByLimit, limits: Limits): { kind: LimitKind; ratio: number } | null {
  let peak: { kind: LimitKind; ratio: number } | null = null;
  for (const kind of LIMIT_KINDS) {
    const ratio = usageRatio(usage[kind], limitOf(limits, kind));
    if (ratio !== null && (peak === null || ratio > peak.ratio)) peak = { kind, ratio };
  }
  return peak;
}

/** hits / (hits + misses); null when there was no cache traffic (not 0 %). */
export function cacheHitRate(hits: number, misses: number): number | null {
  const lookups = hits + misses;
  return lookups > 0 ? hits / lookups : null;
}

// API shapes ------------------------------------------------------------------

/** One row of GET /api/tenants. */
export interface TenantDirectoryRow {
  id: string;
  name: string;
  tier: Tier;
  shardId: string;
  status: TenantStatus;
  layout: TenantLayout;
  pinned: boolean;
  createdAt: string;
  limits: Limits;
  /** Measured by the worker; null until the first measurement. */
  storageBytes: number | null;
  storageMeasuredAt: string | null;
  users: number | null;
  /** Sessions tagged with the tenant in the latest sample of its shard; null when the shard has no recent sample. */
  sessionsNow: number | null;
  /** Live from Redis; null when the counters are unavailable. */
  apiCallsThisHour: number | null;
  rateLimitedThisHour: number | null;
  cacheLookupsThisHour: number | null;
  /** null: no cache traffic this hour, or counters unavailable. */
  cacheHitRateThisHour: number | null;
  /** The limit the tenant is closest to, from the numbers of this row. */
  peakLimit: { kind: LimitKind; ratio: number } | null;
}

export interface TenantDirectoryPage {
  tenants: TenantDirectoryRow[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
  /** False when Redis did not answer: the live counter columns are null. */
  countersAvailable: boolean;
  /** When the worker last copied this hour's counters into the control DB (what sorting and limit filters use). */
  countersSyncedAt: string | null;
  /** The latest tenant-session sample the sessions column and filters use. */
  sessionsSampledAt: string | null;
}

/** GET /api/tenants/:id */
export interface TenantDetail {
  id: string;
  name: string;
  tier: Tier;
  shardId: string;
  shardName: string | null;
  status: TenantStatus;
  layout: TenantLayout;
  schemaName: string | null;
  pinned: boolean;
  createdAt: string;
  limits: TierLimits;
}

export interface UsageFigure {
  used: number | null;
  limit: number;
  ratio: number | null;
  state: LimitState;
  /** Where the number comes from, in words an operator reads. */
  source: string;
  /** When the number was read or measured; null when unknown. */
  at: string | null;
  /** Why `used` is null, when it is. */
  unavailable?: string;
}

export interface TenantNodeSessions {
  nodeId: string;
  role: 'primary' | 'replica';
  up: boolean;
  sessions: number;
  active: number;
  idleInTransaction: number;
  /** Seconds the tenant's active queries have been running, summed. */
  activeSeconds: number;
  error?: string;
}

export interface TenantUsageHour {
  /** Start of the UTC hour, ISO 8601. */
  hour: string;
  apiCalls: number;
  rateLimited: number;
  cacheHit: number;
  cacheMiss: number;
  cacheSet: number;
  cacheInvalidate: number;
  cacheHitRate: number | null;
}

/** GET /api/tenants/:id/usage */
export interface TenantUsage {
  tenantId: string;
  tier: Tier;
  shardId: string;
  at: string;
  limits: Limits;
  usage: Record<LimitKind, UsageFigure>;
  /** Live sessions on every node of the tenant's shard. */
  sessions: {
    shardDown: boolean;
    now: number | null;
    active: number | null;
    activeSeconds: number | null;
    nodes: TenantNodeSessions[];
  };
  countersAvailable: boolean;
  cache: {
    hitRateThisHour: number | null;
    hitRate24h: number | null;
    lookupsThisHour: number;
    lookups24h: number;
  } | null;
  /** The last 24 UTC hours, oldest first (the current hour last); empty when counters are unavailable. */
  hours: TenantUsageHour[];
  storageMethod: 'apportioned' | 'schema' | null;
}

/** GET /api/tiers */
export interface TierList {
  tiers: TierLimits[];
}

/**
 * GET /api/tiers/:tier/impact?maxConnections=&maxApiCallsPerHour=&maxStorageBytes=&maxUsers=
 * What saving these limits would do: tenants of the tier at or over each limit, now and after.
 */
export interface TierImpact {
  tier: Tier;
  tenants: number;
  overNow: number;
  overAfter: number;
  overAfterByLimit: Record<LimitKind, number>;
  /** Limits of other tiers the proposed ones would invert (a lower tier above a higher one). */
  orderConflicts: { field: keyof Limits; otherTier: Tier; otherValue: number }[];
}

/** PUT /api/tiers/:tier answers with the limits before and after. */
export interface TierUpdate {
  before: TierLimits;
  after: TierLimits;
}
