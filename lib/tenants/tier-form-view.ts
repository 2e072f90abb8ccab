import { formatBytes, formatNumber } from '@/lib/format';
import { TIERS, type Limits, type Tier, type TierImpact } from './tenant-model';
import { LIMIT_MAXIMA } from './tier-validation';

/**
 * The tier editor's form: what an admin types (storage in MiB/GiB/TiB,
 * counts as whole numbers) ⇄ the limits the API takes (storage in bytes).
 * Validation mirrors the server's (lib/tenants/tier-validation.ts) so most
 * mistakes are caught before a round trip; the server still has the last
 * word and its 400 names the same fields. Pure; unit-tested.
 */

/**
 * Binary units, like every byte figure in the console: the seeded limits are
 * 500 MiB and 5 GiB exactly, which decimal MB/GB would show as 524.29 MB.
 */
export const STORAGE_UNITS = ['MiB', 'GiB', 'TiB'] as const;
export type StorageUnit = (typeof STORAGE_UNITS)[number];
export const STORAGE_UNIT_BYTES: Record<StorageUnit, number> = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

export const LIMIT_FIELDS = ['maxConnections', 'maxApiCallsPerHour', 'maxStorageBytes', 'maxUsers'] as const satisfies readonly (keyof Limits)[];
export type LimitField = (typeof LIMIT_FIELDS)[number];

export const LIMIT_FIELD_LABELS: Record<LimitField, string> = {
  maxConnections: 'connections',
  maxApiCallsPerHour: 'API calls per hour',
  maxStorageBytes: 'storage',
  maxUsers: 'users',
};

export interface TierDraft {
  maxConnections: string;
  maxApiCallsPerHour: string;
  storageAmount: string;
  storageUnit: StorageUnit;
  maxUsers: string;
}

export type DraftErrors = Partial<Record<LimitField, string>>;

/** Up to two decimals: "1.5" GiB reads better than "1536" MiB, "1.46484375" does not. */
function amountIn(bytes: number, unit: StorageUnit, decimals = 2): string {
  return String(Number((bytes / STORAGE_UNIT_BYTES[unit]).toFixed(decimals)));
}

/** The largest unit in which the limit is at least 1 and exact to two decimals; MiB otherwise. */
export function bytesToStorageInput(bytes: number): { amount: string; unit: StorageUnit } {
  for (const unit of [...STORAGE_UNITS].reverse()) {
    const hundredths = (bytes / STORAGE_UNIT_BYTES[unit]) * 100;
    if (hundredths >= 100 && Math.abs(hundredths - Math.round(hundredths)) < 1e-6) return { amount: amountIn(bytes, unit), unit };
  }
  return { amount: amountIn(bytes, 'MiB', 6), unit: 'MiB' };
}

/** Typed number text: spaces, commas and underscores as thousands separators are fine ("10,000"). */
function numberText(text: string): string {
  return text.trim().replace(/[\s,_]/g, '');
}

export function storageInputToBytes(amount: string, unit: StorageUnit): number | null {
  const text = numberText(amount);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text)) return null;
  return Math.round(Number(text) * STORAGE_UNIT_BYTES[unit]);
}

export function draftFromLimits(limits: Limits): TierDraft {
  const storage = bytesToStorageInput(limits.maxStorageBytes);
  return {
    maxConnections: String(limits.maxConnections),
    maxApiCallsPerHour: String(limits.maxApiCallsPerHour),
    storageAmount: storage.amount,
    storageUnit: storage.unit,
    maxUsers: String(limits.maxUsers),
  };
}

const COUNT_UNITS: Record<Exclude<LimitField, 'maxStorageBytes'>, string> = {
  maxConnections: 'connections',
  maxApiCallsPerHour: 'calls per hour',
  maxUsers: 'users',
};

function parseCount(field: Exclude<LimitField, 'maxStorageBytes'>, text: string): { value?: number; error?: string } {
  const digits = numberText(text);
  if (digits === '') return { error: 'required' };
  if (!/^-?\d+(\.\d+)?$/.test(digits)) return { error: `must be a number (${COUNT_UNITS[field]})` };
  const value = Number(digits);
  if (!Number.isInteger(value)) return { error: `must be a whole number of ${COUNT_UNITS[field]}` };
  if (value <= 0) return { error: 'must be above zero' };
  if (value > LIMIT_MAXIMA[field]) return { error: `at most ${formatNumber(LIMIT_MAXIMA[field])} ${COUNT_UNITS[field]}` };
  return { value };
}

function parseStorage(amount: string, unit: StorageUnit): { value?: number; error?: string } {
  if (numberText(amount) === '') return { error: 'required' };
  const bytes = storageInputToBytes(amount, unit);
  if (bytes === null) return { error: `must be a number of ${unit}` };
  if (bytes <= 0) return { error: 'must be above zero' };
  if (bytes > LIMIT_MAXIMA.maxStorageBytes) return { error: `at most ${formatBytes(LIMIT_MAXIMA.maxStorageBytes)}` };
  return { value: bytes };
}

/**
 * The limits the draft says, or the errors per field (then `limits` is null).
 * Storage left as it was shown keeps the saved bytes exactly: a limit that is
 * not a round number of MiB must not drift by a rounding on every save.
 */
export function parseTierDraft(draft: TierDraft, saved?: Limits): { limits: Limits | null; errors: DraftErrors } {
  const shown = saved ? bytesToStorageInput(saved.maxStorageBytes) : null;
  const storageUntouched = shown !== null && shown.amount === draft.storageAmount.trim() && shown.unit === draft.storageUnit;
  const results: Record<LimitField, { value?: number; error?: string }> = {
    maxConnections: parseCount('maxConnections', draft.maxConnections),
    maxApiCallsPerHour: parseCount('maxApiCallsPerHour', draft.maxApiCallsPerHour),
    maxStorageBytes: storageUntouched ? { value: saved!.maxStorageBytes } : parseStorage(draft.storageAmount, draft.storageUnit),
    maxUsers: parseCount('maxUsers', draft.maxUsers),
  };
  const errors: DraftErrors = {};
  for (const field of LIMIT_FIELDS) {
    if (results[field].error) errors[field] = results[field].error;
  }
  if (Object.keys(errors).length > 0) return { limits: null, errors };
  return {
    limits: {
      maxConnections: results.maxConnections.value!,
      maxApiCallsPerHour: results.maxApiCallsPerHour.value!,
      maxStorageBytes: results.maxStorageBytes.value!,
      maxUsers: results.maxUsers.value!,
    },
    errors,
  };
}

export function limitsEqual(a: Limits, b: Limits): boolean {
  return LIMIT_FIELDS.every((field) => a[field] === b[field]);
}

/** A server field name, when it is one of the four inputs (else the message shows above the row). */
export function asLimitField(field: string | undefined): LimitField | null {
  return field && (LIMIT_FIELDS as readonly string[]).includes(field) ? (field as LimitField) : null;
}

export function formatLimitValue(field: LimitField, value: number): string {
  return field === 'maxStorageBytes' ? formatBytes(value) : value.toLocaleString('en-US');
}

/** "users 5 → 1" per changed limit, for the success message. */
export function describeLimitChanges(before: Limits, after: Limits): string[] {
  return LIMIT_FIELDS.filter((field) => before[field] !== after[field]).map(
    (field) => `${LIMIT_FIELD_LABELS[field]} ${formatLimitValue(field, before[field])} → ${formatLimitValue(field, after[field])}`,
  );
}

/** "3 of 12 free tenants would be at or over the new limits (now 1)". */
export function impactSentence(impact: TierImpact): string {
  const noun = impact.tenants === 1 ? 'tenant' : 'tenants';
  return `${impact.overAfter} of ${impact.tenants} ${impact.tier} ${noun} would be at or over the new limits (now ${impact.overNow})`;
}

/** "users 3 · storage 1": which limits the tenants would be over, the non-zero ones. */
export function impactBreakdown(impact: TierImpact): string {
  const labels: Record<keyof TierImpact['overAfterByLimit'], string> = {
    connections: 'connections',
    apiCalls: 'API calls',
    storage: 'storage',
    users: 'users',
  };
  return (Object.keys(labels) as (keyof typeof labels)[])
    .filter((kind) => impact.overAfterByLimit[kind] > 0)
    .map((kind) => `${labels[kind]} ${impact.overAfterByLimit[kind]}`)
    .join(' · ');
}

const TIER_RANK: Record<Tier, number> = Object.fromEntries(TIERS.map((tier, rank) => [tier, rank])) as Record<Tier, number>;

/** "users 30 is more than the higher tier starter has (25)". */
export function orderConflictSentence(tier: Tier, proposed: Limits, conflict: TierImpact['orderConflicts'][number]): string {
  const field = conflict.field as LimitField;
  const otherIsHigher = TIER_RANK[conflict.otherTier] > TIER_RANK[tier];
  return (
    `${LIMIT_FIELD_LABELS[field]} ${formatLimitValue(field, proposed[field])} is ${otherIsHigher ? 'more than the higher' : 'less than the lower'} ` +
    `tier ${conflict.otherTier} has (${formatLimitValue(field, conflict.otherValue)})`
  );
}
