import { formatBytes, formatNumber } from '@/lib/format';
import { limitState, usageRatio, type LimitKind, type LimitState, type TenantUsageHour } from './tenant-model';

/**
 * Usage against a limit as the pages draw it: bar width, the percentage and
 * the words that say near/over (colour alone is not enough), amounts in the
 * unit of the limit, cache hit rates, and the hourly chart rows. Pure.
 */

export type UsageTone = 'ok' | 'warn' | 'bad' | 'neutral';

export interface UsageBarView {
  /** 0–100: the bar stops at the end of its track when usage is over the limit. */
  widthPercent: number;
  ratio: number | null;
  state: LimitState;
  tone: UsageTone;
  percentText: string;
  /** "near limit" / "over limit", or null when fine or unknown. */
  stateText: string | null;
}

const TONE: Record<LimitState, UsageTone> = { ok: 'ok', near: 'warn', over: 'bad', unknown: 'neutral' };
const STATE_TEXT: Record<LimitState, string | null> = { ok: null, near: 'near limit', over: 'over limit', unknown: null };

export const LIMIT_LABELS: Record<LimitKind, string> = {
  connections: 'Connections',
  apiCalls: 'API calls this hour',
  storage: 'Storage',
  users: 'Users',
};

/** Short names for a row's "closest limit" cell. */
export const LIMIT_SHORT_LABELS: Record<LimitKind, string> = {
  connections: 'connections',
  apiCalls: 'API calls',
  storage: 'storage',
  users: 'users',
};

/**
 * "82 %", "0.4 %", "<0.1 %". Rounded down from 10 %: 99.7 % of a limit must
 * not read "100 %" while the tenant is still under it.
 */
export function formatUsagePercent(ratio: number | null): string {
  if (ratio === null) return '—';
  const percent = ratio * 100;
  if (percent === 0) return '0 %';
  if (percent < 0.1) return '<0.1 %';
  if (percent < 10) return `${Math.floor(percent * 10) / 10} %`;
  return `${Math.floor(percent)} %`;
}

export function usageBar(used: number | null, limit: number): UsageBarView {
  const ratio = usageRatio(used, limit);
  const state = limitState(ratio);
  // A sliver for any non-zero usage, so "a little" never looks like "none".
  const widthPercent = ratio === null ? 0 : ratio > 0 ? Math.max(1, Math.min(100, ratio * 100)) : 0;
  return { widthPercent, ratio, state, tone: TONE[state], percentText: formatUsagePercent(ratio), stateText: STATE_TEXT[state] };
}

/** A row's closest limit: "users 100 %" with its state, or null when nothing is known. */
export function peakLimitView(peak: { kind: LimitKind; ratio: number } | null): (UsageBarView & { label: string }) | null {
  if (!peak) return null;
  const state = limitState(peak.ratio);
  return {
    label: LIMIT_SHORT_LABELS[peak.kind],
    widthPercent: Math.min(100, peak.ratio * 100),
    ratio: peak.ratio,
    state,
    tone: TONE[state],
    percentText: formatUsagePercent(peak.ratio),
    stateText: STATE_TEXT[state],
  };
}

/** An amount in the unit of its limit: bytes in binary units, counts compact. */
export function formatLimitAmount(kind: LimitKind, value: number | null): string {
  if (value === null) return '—';
  return kind === 'storage' ? formatBytes(value) : formatNumber(value);
}

/** "1.2 GiB / 5.0 GiB", "— / 1k" when the usage is unknown. */
export function usageAmountText(kind: LimitKind, used: number | null, limit: number): string {
  return `${formatLimitAmount(kind, used)} / ${formatLimitAmount(kind, limit)}`;
}

/** A hit rate as a percentage; null means no cache traffic and reads "—", never "0 %". */
export function formatHitRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${Number((rate * 100).toFixed(1))} %`;
}

export interface UsageHourRow {
  /** Start of the UTC hour, ms since the epoch. */
  at: number;
  apiCalls: number;
  rateLimited: number;
  cacheHit: number;
  cacheMiss: number;
  cacheSet: number;
  cacheInvalidate: number;
  /** 0–100, null in an hour without lookups (a gap in the line, not a drop to 0). */
  cacheHitPercent: number | null;
}

export interface UsageHoursChart {
  rows: UsageHourRow[];
  /** Hours with any cache operation: 0 means the chart has nothing to draw. */
  cacheHours: number;
  /** Hours with any API call or refusal. */
  apiHours: number;
}

export function toUsageHoursChart(hours: readonly TenantUsageHour[]): UsageHoursChart {
  let cacheHours = 0;
  let apiHours = 0;
  const rows = hours.map((hour) => {
    if (hour.cacheHit + hour.cacheMiss + hour.cacheSet + hour.cacheInvalidate > 0) cacheHours += 1;
    if (hour.apiCalls + hour.rateLimited > 0) apiHours += 1;
    return {
      at: Date.parse(hour.hour),
      apiCalls: hour.apiCalls,
      rateLimited: hour.rateLimited,
      cacheHit: hour.cacheHit,
      cacheMiss: hour.cacheMiss,
      cacheSet: hour.cacheSet,
      cacheInvalidate: hour.cacheInvalidate,
      cacheHitPercent: hour.cacheHitRate === null ? null : hour.cacheHitRate * 100,
    };
  });
  return { rows, cacheHours, apiHours };
}
