import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { TIERS, type TenantDetail } from './tenant-model';
import { toTierLimits, type TierLimitsRow } from './tiers';

/** One tenant from the directory: identity, tier limits, latest storage measurement. */

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant id from the URL, or a 400 naming `id` (never a driver error from a bad uuid). */
export function requireTenantId(id: string): string {
  if (!UUID_SHAPE.test(id)) throw new ApiError('bad_request', 'id: not a tenant id (a uuid)', 'id');
  return id.toLowerCase();
}

/** The tenant, its shard's display name, its tier's limits and its latest measured storage. */
const TENANT_DETAIL_SQL = `
  select
    t.id::text as id, t.name, t.tier, t.shard_id, s.name as shard_name, t.status, t.layout, t.schema_name, t.pinned, t.created_at,
    l.tier as limit_tier, l.rank, l.max_connections, l.max_api_calls_per_hour, l.max_storage_bytes, l.max_users, l.updated_at, l.updated_by,
    u.storage_bytes, u.users, u.measured_at, u.method
  from tenants t
  join tier_limits l on l.tier = t.tier
  left join shards s on s.id = t.shard_id
  left join tenant_usage_latest u on u.tenant_id = t.id
  where t.id = $1`;

interface TenantDetailRow extends Omit<TierLimitsRow, 'tier'> {
  id: string;
  name: string;
  tier: TenantDetail['tier'];
  limit_tier: TenantDetail['tier'];
  shard_id: string;
  shard_name: string | null;
  status: TenantDetail['status'];
  layout: TenantDetail['layout'];
  schema_name: string | null;
  pinned: boolean;
  created_at: Date;
  storage_bytes: string | null;
  users: number | null;
  measured_at: Date | null;
  method: 'apportioned' | 'schema' | null;
}

export interface TenantRecord extends TenantDetail {
  measured: { storageBytes: number; users: number; measuredAt: string; method: 'apportioned' | 'schema' } | null;
}

function toTenantRecord(row: TenantDetailRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    shardId: row.shard_id,
    shardName: row.shard_name,
    status: row.status,
    layout: row.layout,
    schemaName: row.schema_name,
    pinned: row.pinned,
    createdAt: row.created_at.toISOString(),
    limits: toTierLimits({ ...row, tier: row.limit_tier }),
    measured:
      row.measured_at && row.storage_bytes !== null && row.users !== null && row.method
        ? { storageBytes: Number(row.storage_bytes), users: row.users, measuredAt: row.measured_at.toISOString(), method: row.method }
        : null,
  };
}

export async function getTenantRecord(id: string): Promise<TenantRecord> {
  const { rows } = await getControlPool().query<TenantDetailRow>(TENANT_DETAIL_SQL, [requireTenantId(id)]);
  if (rows.length === 0) throw new ApiError('not_found', `no tenant ${id}`, 'id');
  return toTenantRecord(rows[0]);
}

export async function getTenantDetail(id: string): Promise<TenantDetail> {
  const { measured: _measured, ...detail } = await getTenantRecord(id);
  return detail;
}

export const tenantUpdateSchema = z
  .object({
    tier: z.enum(TIERS).optional(),
    pinned: z.boolean().optional(),
  })
  .strict()
  .refine((update) => update.tier !== undefined || update.pinned !== undefined, { message: 'give tier or pinned', path: ['tier'] });

export type TenantUpdate = z.infer<typeof tenantUpdateSchema>;

/** Locks the row so two admins' changes serialise and the audit's "before" is the truth. */
const LOCK_TENANT_SQL = `
  select tier, pinned
  from tenants
  where id = $1
  for update`;

const UPDATE_TENANT_SQL = `
  update tenants
  set tier = coalesce($2, tier),
      pinned = coalesce($3, pinned)
  where id = $1
  returning tier, pinned`;

/** Changes a tenant's tier or pin (admin); the audit row commits with the change. */
export async function updateTenant(id: string, update: TenantUpdate, actor: Session): Promise<TenantDetail> {
  const tenantId = requireTenantId(id);
  await withControlTransaction(async (client) => {
    const { rows: before } = await client.query<{ tier: string; pinned: boolean }>(LOCK_TENANT_SQL, [tenantId]);
    if (before.length === 0) throw new ApiError('not_found', `no tenant ${id}`, 'id');
    const { rows: after } = await client.query<{ tier: string; pinned: boolean }>(UPDATE_TENANT_SQL, [
      tenantId,
      update.tier ?? null,
      update.pinned ?? null,
    ]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'tenant.update',
      target: `tenant ${tenantId}`,
      result: 'ok',
      detail: { before: before[0], after: after[0] },
    });
  });
  return getTenantDetail(tenantId);
}
