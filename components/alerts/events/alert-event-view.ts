import type { BadgeTone } from '@/components/ui/StatusBadge';
import { findAlertMetric } from '@/lib/alerts/alert-metrics';
import type { AlertEvent, Severity } from '@/lib/alerts/alert-model';
import type { FiringSummary } from '@/lib/alerts/events-query';
import { formatMetricValue, formatSeconds } from '@/lib/format';
import { HISTORY_RANGES, RANGE_SECONDS, type HistoryRange } from '@/lib/history/history-types';

/** How an alert event reads on /alerts: labels, values in the metric's unit, durations, the link to its charts. Pure; unit-tested. */

export function metricLabel(metric: string): string {
  return findAlertMetric(metric)?.label ?? metric;
}

/** A value in its metric's unit (12.5 s, 91.3 %, 11.2 GiB, down; milliseconds past a second as seconds); an unknown metric shows the bare number. */
export function formatAlertValue(metric: string, value: number | null): string {
  const unit = findAlertMetric(metric)?.unit ?? '';
  if (unit === 'ms' && value !== null && value >= 1000) return formatSeconds(value / 1000);
  return formatMetricValue(value, unit);
}

/** "> 10 s": the threshold the event crossed, with the metric's comparator; null for up/down metrics (the label says it). */
export function formatThreshold(metric: string, threshold: number | null): string | null {
  const spec = findAlertMetric(metric);
  if (threshold === null || !spec || spec.unit === 'bool') return null;
  return `${spec.comparator} ${formatAlertValue(metric, threshold)}`;
}

export const SEVERITY_TONE: Record<Severity, BadgeTone> = { critical: 'bad', warning: 'warn' };

/** The header badge: red while anything is critical, amber for warnings only, grey at zero. */
export function firingTone(summary: FiringSummary): BadgeTone {
  if (summary.critical > 0) return 'bad';
  if (summary.firing > 0) return 'warn';
  return 'neutral';
}

/** Seconds from start to resolve, or to `now` while it fires. */
export function eventDurationSeconds(event: Pick<AlertEvent, 'startedAt' | 'resolvedAt'>, now: Date): number {
  const end = event.resolvedAt ? Date.parse(event.resolvedAt) : now.getTime();
  return Math.max(0, Math.round((end - Date.parse(event.startedAt)) / 1000));
}

/** Around the event on the charts: a quarter of its length on each side, at least five minutes, so the lead-up and the recovery show. */
const MIN_MARGIN_MS = 5 * 60_000;
const MARGIN_SHARE = 0.25;

export interface EventChartRange {
  range: HistoryRange;
  /** ISO 8601 end of the range; null = now (the event is firing, or resolved too recently for the margin to have passed). */
  to: string | null;
  href: string;
}

/**
 * The shard page with its charts around the event: the smallest preset range
 * that holds the event with a margin on both sides (the widest when none
 * does), ending a margin after it resolved, or now.
 */
export function eventChartRange(event: Pick<AlertEvent, 'shardId' | 'startedAt' | 'resolvedAt'>, now: Date): EventChartRange {
  const startMs = Date.parse(event.startedAt);
  const endMs = event.resolvedAt ? Date.parse(event.resolvedAt) : now.getTime();
  const margin = Math.max(MIN_MARGIN_MS, (endMs - startMs) * MARGIN_SHARE);
  const wantedEnd = endMs + margin;
  const to = event.resolvedAt && wantedEnd < now.getTime() ? new Date(Math.ceil(wantedEnd / 1000) * 1000).toISOString() : null;
  const rangeEnd = to ? Date.parse(to) : now.getTime();
  const spanSeconds = (rangeEnd - (startMs - margin)) / 1000;
  const range = HISTORY_RANGES.find((candidate) => RANGE_SECONDS[candidate] >= spanSeconds) ?? HISTORY_RANGES[HISTORY_RANGES.length - 1];
  const search = new URLSearchParams({ range });
  if (to) search.set('to', to);
  return { range, to, href: `/shards/${encodeURIComponent(event.shardId)}?${search}#shard-history-heading` };
}
