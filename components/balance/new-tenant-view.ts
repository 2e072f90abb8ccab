import type { BalanceReport, CreateTenantRequest, CreatedTenant } from '@/lib/rebalance/rebalance-model';
import type { TenantLayout, Tier } from '@/lib/tenants/tenant-model';

/**
 * The new-tenant form (admin): draft ⇄ POST /api/tenants body, the shards it
 * may name, and the sentence saying where the tenant went and why. Pure;
 * unit-tested. The server validates again and its 400 names the field.
 */

export const NEW_TENANT_FIELDS = ['name', 'tier', 'layout', 'shardId'] as const;
export type NewTenantField = (typeof NEW_TENANT_FIELDS)[number];
export type NewTenantErrors = Partial<Record<NewTenantField, string>>;

/** The server's limit (lib/tenants/tenant-create.ts). */
export const MAX_TENANT_NAME_CHARS = 200;

export interface NewTenantDraft {
  name: string;
  tier: Tier;
  layout: TenantLayout;
  /** Empty: let the placement rule choose. */
  shardId: string;
}

export const EMPTY_NEW_TENANT: NewTenantDraft = { name: '', tier: 'free', layout: 'shared', shardId: '' };

type ReportShard = Pick<BalanceReport['shards'][number], 'shardId' | 'name' | 'status' | 'stale'>;

/** A new tenant never goes to a draining or retired shard; the server refuses those too. */
export function placementShardChoices(shards: ReportShard[]): { shardId: string; label: string }[] {
  return shards
    .filter((shard) => shard.status === 'active')
    .map((shard) => ({ shardId: shard.shardId, label: `${shard.name || shard.shardId}${shard.stale ? ' · numbers stale' : ''}` }));
}

export function readNewTenantDraft(
  draft: NewTenantDraft,
  shards: ReportShard[],
): { request: CreateTenantRequest; errors: null } | { request: null; errors: NewTenantErrors } {
  const errors: NewTenantErrors = {};
  const name = draft.name.trim();
  if (name === '') errors.name = 'enter a name';
  else if (name.length > MAX_TENANT_NAME_CHARS) errors.name = `at most ${MAX_TENANT_NAME_CHARS} characters`;
  if (draft.shardId !== '' && !placementShardChoices(shards).some((choice) => choice.shardId === draft.shardId)) {
    errors.shardId = `${draft.shardId} is not an active shard`;
  }
  if (Object.keys(errors).length > 0) return { request: null, errors };
  return {
    request: { name, tier: draft.tier, layout: draft.layout, ...(draft.shardId !== '' ? { shardId: draft.shardId } : {}) },
    errors: null,
  };
}

/** The form field a server error names; null: show it for the whole form. */
export function newTenantFieldOf(field: string | undefined): NewTenantField | null {
  if (!field) return null;
  const last = field.split('.').at(-1)!;
  return (NEW_TENANT_FIELDS as readonly string[]).includes(last) ? (last as NewTenantField) : null;
}

/** "Placed on shard-2 by the placement rule: …" or "… placed on shard-1 as requested." */
export function placementText(created: Pick<CreatedTenant, 'name' | 'shardId' | 'placement'>): string {
  const how = created.placement.chosenBy === 'rule' ? 'by the placement rule' : 'as requested';
  const reason = created.placement.reason.trim();
  return `${created.name} placed on ${created.shardId} ${how}${reason ? `: ${reason}` : '.'}`;
}
