import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { sessionsNowCtes } from './directory-search-sql';
import { TIERS, type Limits, type Tier, type TierImpact, type TierLimits, type TierUpdate } from './tenant-model';
import { orderConflicts, type TierUpdateBody } from './tier-validation';

/** Tiers and their limits: list, edit (admin, audited with before and after), and the impact of an edit. */

const LIST_TIERS_SQL = `
  select tier, rank, max_connections, max_api_calls_per_hour, max_storage_bytes, max_users, updated_at, updated_by
  from tier_limits
  order by rank`;

/** All tiers locked, so the order check and the update see the same limits as any concurrent edit. */
const LOCK_TIERS_SQL = `
  select tier, rank, max_connections, max_api_calls_per_hour, max_storage_bytes, max_users, updated_at, updated_by
  from tier_limits
  order by rank
  for update`;

const UPDATE_TIER_SQL = `
  update tier_limits
  set max_connections = $2,
      max_api_calls_per_hour = $3,
      max_storage_bytes = $4,
      max_users = $5,
      updated_at = now(),
      updated_by = $6
  where tier = $1
  returning tier, rank, max_connections, max_api_calls_per_hour, max_storage_bytes, max_users, updated_at, updated_by`;

/**
 * Tenants of a tier at or over a limit, now and with proposed limits ($3–$6),
 * from the same numbers the directory's "over a limit" filter uses: measured
 * storage and users, this hour's synced API calls, sampled sessions.
 * $1 sample freshness (s), $2 the current UTC hour, $7 the tier.
 */
const TIER_IMPACT_SQL = `
  with ${sessionsNowCtes('$1')}, usage as (
    select
      coalesce(u.storage_bytes, 0) as storage_bytes,
      coalesce(u.users, 0) as users,
      coalesce(h.api_calls, 0) as api_calls,
      coalesce(sn.sessions, 0) as sessions,
      l.max_storage_bytes, l.max_users, l.max_api_calls_per_hour, l.max_connections
    from tenants t
    join tier_limits l on l.tier = t.tier
    left join tenant_usage_latest u on u.tenant_id = t.id
    left join tenant_hour_usage h on h.tenant_id = t.id and h.hour = $2
    left join sessions_now sn on sn.tenant_id = t.id
    where t.tier = $7
  )
  select
    count(*)::int as tenants,
    count(*) filter (where storage_bytes >= max_storage_bytes or users >= max_users
                        or api_calls >= max_api_calls_per_hour or sessions >= max_connections)::int as over_now,
    count(*) filter (where storage_bytes >= $5 or users >= $6 or api_calls >= $4 or sessions >= $3)::int as over_after,
    count(*) filter (where sessions >= $3)::int as connections_after,
    count(*) filter (where api_calls >= $4)::int as api_calls_after,
    count(*) filter (where storage_bytes >= $5)::int as storage_after,
    count(*) filter (where users >= $6)::int as users_after
  from usage`;

export interface TierLimitsRow {
  tier: Tier;
  rank: number;
  max_connections: number;
  max_api_calls_per_hour: string;
  max_storage_bytes: string;
  max_users: number;
  updated_at: Date;
  updated_by: string | null;
}

export function toTierLimits(row: TierLimitsRow): TierLimits {
  return {
    tier: row.tier,
    rank: row.rank,
    maxConnections: row.max_connections,
    maxApiCallsPerHour: Number(row.max_api_calls_per_hour),
    maxStorageBytes: Number(row.max_storage_bytes),
    maxUsers: row.max_users,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

export function requireTier(tier: string): Tier {
  if (!(TIERS as readonly string[]).includes(tier)) throw new ApiError('not_found', `no tier "${tier}" (tiers: ${TIERS.join(', ')})`, 'tier');
  return tier as Tier;
}

export async function listTiers(): Promise<TierLimits[]> {
  const { rows } = await getControlPool().query<TierLimitsRow>(LIST_TIERS_SQL);
  return rows.map(toTierLimits);
}

function limitsOf(body: Limits): Limits {
  return { maxConnections: body.maxConnections, maxApiCallsPerHour: body.maxApiCallsPerHour, maxStorageBytes: body.maxStorageBytes, maxUsers: body.maxUsers };
}

/** Saves a tier's limits (admin). Inverting the tier order needs `confirmOrder`; the audit row commits with the change. */
export async function updateTier(tierName: string, body: TierUpdateBody, actor: Session): Promise<TierUpdate> {
  const tier = requireTier(tierName);
  const proposed = limitsOf(body);
  return withControlTransaction(async (client) => {
    const tiers = (await client.query<TierLimitsRow>(LOCK_TIERS_SQL)).rows.map(toTierLimits);
    const before = tiers.find((candidate) => candidate.tier === tier)!;
    const conflicts = orderConflicts(tier, proposed, tiers);
    if (conflicts.length > 0 && !body.confirmOrder) {
      const [first] = conflicts;
      const otherIsLower = tiers.find((candidate) => candidate.tier === first.otherTier)!.rank < before.rank;
      throw new ApiError(
        'bad_request',
        `${first.field}: ${tier} would get ${otherIsLower ? 'less than the lower' : 'more than the higher'} tier ${first.otherTier} ` +
          `(${first.otherValue}); send confirmOrder: true to save anyway`,
        first.field,
      );
    }
    const { rows } = await client.query<TierLimitsRow>(UPDATE_TIER_SQL, [
      tier,
      proposed.maxConnections,
      proposed.maxApiCallsPerHour,
      proposed.maxStorageBytes,
      proposed.maxUsers,
      actor.user,
    ]);
    const after = toTierLimits(rows[0]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'tier.update',
      target: `tier ${tier}`,
      result: 'ok',
      detail: { before: limitsOf(before), after: limitsOf(after), ...(conflicts.length > 0 ? { orderConflictsConfirmed: conflicts } : {}) },
    });
    return { before, after };
  });
}

interface TierImpactRow {
  tenants: number;
  over_now: number;
  over_after: number;
  connections_after: number;
  api_calls_after: number;
  storage_after: number;
  users_after: number;
}

/** What saving `proposed` for the tier would do: a preview, nothing written. */
export async function tierImpact(tierName: string, proposed: Limits, now: Date = new Date()): Promise<TierImpact> {
  const tier = requireTier(tierName);
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const pool = getControlPool();
  const [tiers, { rows }] = await Promise.all([
    listTiers(),
    pool.query<TierImpactRow>(TIER_IMPACT_SQL, [
      3 * getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S,
      hour.toISOString(),
      proposed.maxConnections,
      proposed.maxApiCallsPerHour,
      proposed.maxStorageBytes,
      proposed.maxUsers,
      tier,
    ]),
  ]);
  const row = rows[0];
  return {
    tier,
    tenants: row.tenants,
    overNow: row.over_now,
    overAfter: row.over_after,
    overAfterByLimit: { connections: row.connections_after, apiCalls: row.api_calls_after, storage: row.storage_after, users: row.users_after },
    orderConflicts: orderConflicts(tier, proposed, tiers),
  };
}
