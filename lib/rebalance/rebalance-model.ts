/**
 * Shard balance and rebalance plans: the shapes the planner takes and gives,
 * and what GET /api/balance and POST /api/rebalance/plan answer. Types only.
 */

export const SHARD_STATUSES = ['active', 'draining', 'retired'] as const;
export type ShardStatus = (typeof SHARD_STATUSES)[number];

/** What "heavy" means: measured bytes, sampled load, or a weighted mix of both (each as a share of the fleet). */
export const DIMENSIONS = ['bytes', 'load', 'mixed'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const PLAN_MODES = ['balance', 'drain', 'fill'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

/** Default: every shard within 10 % of the mean. */
export const DEFAULT_THRESHOLD_PCT = 10;

/** One tenant as the planner sees it. */
export interface PlannerTenant {
  tenantId: string;
  name: string;
  shardId: string;
  /** Measured storage (tenant_usage_latest); 0 when never measured. */
  bytes: number;
  /** Sampled load over the window: active seconds of the tenant's sessions (metric_samples, kind tenant). */
  load: number;
  pinned: boolean;
  status: 'active' | 'moving' | 'fenced' | 'suspended';
}

/** One shard as the planner sees it. */
export interface PlannerShard {
  shardId: string;
  status: ShardStatus;
  /** Bytes the shard may hold (data filesystem size when known); null: unbounded for the planner. */
  capacityBytes: number | null;
  /** True when the shard's numbers are stale (it is down or unsampled): the planner never moves tenants to it. */
  stale: boolean;
}

export interface PlanRequest {
  mode: PlanMode;
  dimension: Dimension;
  /** Every shard within this % of the mean (1–100). */
  thresholdPct: number;
  /** Cap on bytes moved by this plan; null: no cap. */
  maxBytes: number | null;
  /** drain: the shard to empty; fill: the shard to fill. Required for those modes. */
  shardId: string | null;
  /** Weight of bytes in the mixed dimension (0–1); load gets the rest. Default 0.5. */
  bytesWeight?: number;
}

export interface PlannedMove {
  tenantId: string;
  name: string;
  from: string;
  to: string;
  bytes: number;
  load: number;
  /** Why this move, in words an operator reads (e.g. "shard-1 is 38 % above the mean; shard-2 is 38 % below"). */
  reason: string;
}

export interface ShardTotals {
  shardId: string;
  status: ShardStatus;
  tenants: number;
  bytes: number;
  load: number;
  /** The value of the plan's dimension (bytes, load or the mixed score). */
  weight: number;
  /** weight / mean of the active shards' weights (1 = exactly the mean); null for retired shards. */
  ratioToMean: number | null;
  stale: boolean;
}

export interface Plan {
  request: PlanRequest;
  moves: PlannedMove[];
  before: ShardTotals[];
  after: ShardTotals[];
  totals: { tenants: number; bytes: number; load: number };
  /** max / mean of the dimension over active shards, before and after. */
  skewBefore: number;
  skewAfter: number;
  /** True when every active shard ends within the threshold of the mean (drain: the shard ends empty). */
  withinThreshold: boolean;
  /** Things the operator should know: the byte cap stopped the plan, a stale shard was left out, a pinned tenant kept a shard over… */
  notes: string[];
}

/** Per shard, at the sampled growth rate: when storage or connections reach the limit. */
export interface CapacityNote {
  shardId: string;
  bytesPerDay: number | null;
  daysToStorageLimit: number | null;
  connectionsUsed: number | null;
  connectionsMax: number | null;
  daysToConnectionLimit: number | null;
  text: string;
}

/** GET /api/balance?window=1h|6h|24h|7d&dimension= */
export interface BalanceReport {
  window: string;
  dimension: Dimension;
  thresholdPct: number;
  shards: {
    shardId: string;
    name: string;
    status: ShardStatus;
    stale: boolean;
    tenants: number;
    bytes: number;
    /** Tenant active seconds over the window, summed, and its share of the fleet's. */
    load: number;
    loadShare: number | null;
    commitsPerSecond: number | null;
    statementSecondsPerSecond: number | null;
    connectionsUsed: number | null;
    connectionsMax: number | null;
    weight: number;
    ratioToMean: number | null;
    heaviestByBytes: { tenantId: string; name: string; bytes: number; pinned: boolean }[];
    heaviestByLoad: { tenantId: string; name: string; load: number; pinned: boolean }[];
  }[];
  skew: Record<Dimension, number | null>;
  capacity: CapacityNote[];
  /** Fleet-level advice from the shard ladder (≈1k tenants on one database, 4 shards to 10k, 16 to 100k, 64+ beyond). */
  fleetAdvice: string[];
  /** Tenants big enough to deserve their own schema or shard. */
  bigTenants: { tenantId: string; name: string; shardId: string; bytes: number; load: number; layout: 'shared' | 'schema'; advice: string }[];
  /** The placement rule for new tenants, in words (shown on the page). */
  placementRule: string;
}

/** The balance page's and new-tenant placement's dimension when none is asked for. */
export const DEFAULT_DIMENSION: Dimension = 'mixed';
/** Weight of bytes in the mixed dimension when none is asked for. */
export const DEFAULT_BYTES_WEIGHT = 0.5;

/** POST /api/tenants (admin) */
export interface CreateTenantRequest {
  name: string;
  tier: 'free' | 'starter' | 'professional' | 'enterprise';
  layout?: 'shared' | 'schema';
  /** Place on this shard instead of the placement rule's choice; never a draining or retired one. */
  shardId?: string;
}

/** Where a new tenant goes and why. */
export interface PlacementDecision {
  shardId: string;
  /** 'rule': chosen by the placement rule; 'requested': the caller named the shard. */
  chosenBy: 'rule' | 'requested';
  dimension: Dimension;
  reason: string;
}

export interface CreatedTenant {
  tenantId: string;
  name: string;
  tier: CreateTenantRequest['tier'];
  layout: 'shared' | 'schema';
  schemaName: string | null;
  shardId: string;
  placement: PlacementDecision;
}

/** PATCH /api/shards/:id {status} (admin): 'retired' comes from the fleet file, not from here. */
export const SETTABLE_SHARD_STATUSES = ['active', 'draining'] as const;
export interface ShardStatusChange {
  shardId: string;
  status: ShardStatus;
  previousStatus: ShardStatus;
}
