import { STORAGE_UNITS, storageInputToBytes, type StorageUnit } from '@/lib/tenants/tier-form-view';
import type { BalanceWindow } from './balance-url-view';
import { DEFAULT_BYTES_WEIGHT, type BalanceReport, type Dimension, type PlanMode } from './rebalance-model';

/**
 * The planner panel's form: what an operator types ⇄ the body of
 * POST /api/rebalance/plan. Checks mirror the server's (threshold 1–100, a
 * shard for drain and fill, a byte cap above zero) so most mistakes show
 * before a round trip; the server still has the last word, and its 400 names
 * a field that `plannerFieldOf` puts next to the right input. Pure; unit-tested.
 */

export { STORAGE_UNITS, type StorageUnit };

export const PLANNER_FIELDS = ['mode', 'dimension', 'thresholdPct', 'maxBytes', 'shardId', 'bytesWeight'] as const;
export type PlannerField = (typeof PLANNER_FIELDS)[number];
export type PlannerErrors = Partial<Record<PlannerField, string>>;

export const MODE_LABELS: Record<PlanMode, string> = {
  balance: 'Balance the fleet',
  drain: 'Drain a shard',
  fill: 'Fill a shard',
};

export const MODE_HINTS: Record<PlanMode, string> = {
  balance: 'Fewest bytes moved that bring every active shard within the threshold of the mean.',
  drain: 'Every movable tenant of the shard to the others, e.g. before retiring it.',
  fill: 'Bring an empty or new shard up toward the mean.',
};

export interface PlannerDraft {
  mode: PlanMode;
  dimension: Dimension;
  thresholdPct: string;
  /** Empty: no cap on bytes moved. */
  maxAmount: string;
  maxUnit: StorageUnit;
  /** The shard to drain or fill; ignored in balance mode. */
  shardId: string;
  /** Share of bytes in the mixed dimension, in % (load gets the rest); only sent for mixed. */
  bytesWeightPct: string;
}

/** What the API takes: optional fields are left out, not sent as null. */
export interface PlanBody {
  mode: PlanMode;
  dimension: Dimension;
  thresholdPct: number;
  maxBytes?: number;
  shardId?: string;
  bytesWeight?: number;
  /** The window tenants' load is summed over: the page's, so the plan weighs what the page shows. */
  window: BalanceWindow;
}

export function defaultPlannerDraft(dimension: Dimension, thresholdPct: number): PlannerDraft {
  return {
    mode: 'balance',
    dimension,
    thresholdPct: String(thresholdPct),
    maxAmount: '',
    maxUnit: 'GiB',
    shardId: '',
    bytesWeightPct: String(Math.round(DEFAULT_BYTES_WEIGHT * 100)),
  };
}

type ReportShard = Pick<BalanceReport['shards'][number], 'shardId' | 'name' | 'status' | 'stale' | 'tenants'>;

export interface ShardChoice {
  shardId: string;
  label: string;
}

/**
 * Shards the mode may name: drain takes any shard still holding tenants for
 * the planner (active or draining); fill only an active shard whose numbers
 * are fresh (the planner never moves tenants to a stale shard).
 */
export function plannerShardChoices(mode: PlanMode, shards: ReportShard[]): ShardChoice[] {
  if (mode === 'balance') return [];
  const eligible = shards.filter((shard) => (mode === 'drain' ? shard.status !== 'retired' : shard.status === 'active' && !shard.stale));
  return eligible.map((shard) => ({
    shardId: shard.shardId,
    label: `${shard.name || shard.shardId} · ${shard.tenants} ${shard.tenants === 1 ? 'tenant' : 'tenants'}${shard.status === 'draining' ? ' · draining' : ''}${shard.stale ? ' · stale' : ''}`,
  }));
}

function decimalText(text: string): string {
  return text.trim().replace(/[\s,_]/g, '');
}

export function readPlannerDraft(
  draft: PlannerDraft,
  shards: ReportShard[],
  loadWindow: BalanceWindow,
): { body: PlanBody; errors: null } | { body: null; errors: PlannerErrors } {
  const errors: PlannerErrors = {};
  const thresholdText = decimalText(draft.thresholdPct);
  const thresholdPct = Number(thresholdText);
  if (thresholdText === '' || !Number.isFinite(thresholdPct)) errors.thresholdPct = 'enter a percentage';
  else if (thresholdPct < 1 || thresholdPct > 100) errors.thresholdPct = 'must be between 1 and 100 %';

  let maxBytes: number | undefined;
  if (draft.maxAmount.trim() !== '') {
    const bytes = storageInputToBytes(draft.maxAmount, draft.maxUnit);
    if (bytes === null) errors.maxBytes = 'enter an amount, or leave empty for no cap';
    else if (bytes <= 0) errors.maxBytes = 'must be above zero, or empty for no cap';
    else maxBytes = bytes;
  }

  let shardId: string | undefined;
  if (draft.mode !== 'balance') {
    const choices = plannerShardChoices(draft.mode, shards);
    if (draft.shardId === '') errors.shardId = `choose the shard to ${draft.mode}`;
    else if (!choices.some((choice) => choice.shardId === draft.shardId)) errors.shardId = `${draft.shardId} cannot be ${draft.mode === 'drain' ? 'drained' : 'filled'}`;
    else shardId = draft.shardId;
  }

  let bytesWeight: number | undefined;
  if (draft.dimension === 'mixed') {
    const weightText = decimalText(draft.bytesWeightPct);
    const weightPct = Number(weightText);
    if (weightText === '' || !Number.isFinite(weightPct) || weightPct < 0 || weightPct > 100) errors.bytesWeight = 'must be between 0 and 100 %';
    else bytesWeight = weightPct / 100;
  }

  if (Object.keys(errors).length > 0) return { body: null, errors };
  return {
    body: {
      mode: draft.mode,
      dimension: draft.dimension,
      thresholdPct,
      ...(maxBytes !== undefined ? { maxBytes } : {}),
      ...(shardId !== undefined ? { shardId } : {}),
      ...(bytesWeight !== undefined ? { bytesWeight } : {}),
      window: loadWindow,
    },
    errors: null,
  };
}

/** The form field a server error names (zod paths may be nested, e.g. "body.thresholdPct"); null: show it for the whole form. */
export function plannerFieldOf(field: string | undefined): PlannerField | null {
  if (!field) return null;
  const last = field.split('.').at(-1)!;
  return (PLANNER_FIELDS as readonly string[]).includes(last) ? (last as PlannerField) : null;
}

/** The server says "thresholdPct: must be between 1 and 100"; next to the threshold input the field name is noise. */
export function withoutFieldPrefix(message: string, field: string | undefined): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
