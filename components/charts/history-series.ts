import type { AxisDomainItem } from 'recharts';
import type { HistoryResponse } from '@/lib/history/history-types';
import { formatBytes, formatMetricValue, formatNumber, formatSeconds } from '@/lib/format';

/**
 * One row per bucket time, one value per series key. A null value (node down,
 * not sampled, or no point of that series at that time) stays null so that
 * the line breaks there instead of drawing a slope across the outage.
 * Values sit under `values` rather than beside `at`: series keys are shard,
 * node and pool ids ("db/user", ids with dots), never safe as chart paths.
 */
export interface HistoryRow {
  /** Bucket start, ms since the epoch. */
  at: number;
  values: Record<string, number | null>;
}

export interface HistoryLine {
  key: string;
  label: string;
  color: string;
  /** Rows where this series has a value with a gap (or the edge) on both sides: a line cannot show it, a dot can. */
  isolatedRows: number[];
}

export interface HistoryChartModel {
  rows: HistoryRow[];
  lines: HistoryLine[];
  /** Non-null values across all series: 0 means nothing to draw. */
  pointCount: number;
  fromMs: number;
  toMs: number;
}

/** Distinct on the dark panel; the first ones match the console's ok/accent/warn colours. */
export const HISTORY_SERIES_COLORS = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#39c5cf', '#f85149', '#ff9bce', '#e3b341', '#8a9bb0'] as const;

export function toHistoryChart(history: HistoryResponse): HistoryChartModel {
  const rowsByTime = new Map<number, HistoryRow>();
  let pointCount = 0;
  for (const series of history.series) {
    for (const point of series.points) {
      const at = Date.parse(point.at);
      let row = rowsByTime.get(at);
      if (!row) {
        row = { at, values: {} };
        rowsByTime.set(at, row);
      }
      row.values[series.key] = point.value;
      if (point.value !== null) pointCount += 1;
    }
  }
  const rows = [...rowsByTime.values()].sort((a, b) => a.at - b.at);
  // A series without a point at some other series' bucket was not sampled then: a gap, like an explicit null.
  for (const row of rows) {
    for (const series of history.series) row.values[series.key] ??= null;
  }
  const lines = history.series.map((series, index) => ({
    key: series.key,
    label: series.label,
    color: HISTORY_SERIES_COLORS[index % HISTORY_SERIES_COLORS.length],
    isolatedRows: isolatedRows(rows, series.key),
  }));
  return { rows, lines, pointCount, fromMs: Date.parse(history.from), toMs: Date.parse(history.to) };
}

function isolatedRows(rows: HistoryRow[], key: string): number[] {
  const present = (index: number) => index >= 0 && index < rows.length && rows[index].values[key] !== null;
  return rows.flatMap((_, index) => (present(index) && !present(index - 1) && !present(index + 1) ? [index] : []));
}

/**
 * How a unit reads on the value axis (short, no unit words: the unit is in the
 * chart's caption) and in the tooltip (the full value with its unit).
 */
export interface HistoryAxisFormat {
  tick: (value: number) => string;
  tooltip: (value: number) => string;
  /**
   * Percentages on 0–100 so that 40 % never looks like a full pool (past 100
   * when superusers use their reserved slots); everything else from 0 to its peak.
   */
  domain: readonly [AxisDomainItem, AxisDomainItem];
}

export function historyAxisFormat(unit: string): HistoryAxisFormat {
  const tooltip = (value: number) => formatMetricValue(value, unit);
  switch (unit) {
    case '%':
      return { tick: (value) => `${formatNumber(value)}%`, tooltip, domain: [0, (peak: number) => Math.max(100, peak)] };
    case 'bytes':
    case 'bytes/s':
      return { tick: (value) => formatBytes(value), tooltip, domain: [0, 'auto'] };
    case 's':
      return { tick: (value) => (value === 0 ? '0' : formatSeconds(value)), tooltip, domain: [0, 'auto'] };
    case 'bool':
      return { tick: (value) => (value >= 1 ? 'up' : value <= 0 ? 'down' : ''), tooltip, domain: [0, 1] };
    default:
      return { tick: formatNumber, tooltip, domain: [0, 'auto'] };
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Round tick spacing per range, about four to seven ticks on a chart a third of a screen wide. */
function tickSpacingMs(rangeSeconds: number): number {
  if (rangeSeconds <= 3600) return 15 * MINUTE_MS;
  if (rangeSeconds <= 6 * 3600) return 2 * HOUR_MS;
  if (rangeSeconds <= 24 * 3600) return 6 * HOUR_MS;
  return DAY_MS;
}

/**
 * Time-axis ticks on round local times (10:00, 10:15, … or midnights), so
 * that a reading can be matched with a log line or an alert.
 * `utcOffsetMinutes` is minutes east of UTC (the negated getTimezoneOffset()).
 */
export function historyTimeTicks(fromMs: number, toMs: number, rangeSeconds: number, utcOffsetMinutes = -new Date(fromMs).getTimezoneOffset()): number[] {
  const spacing = tickSpacingMs(rangeSeconds);
  const offset = utcOffsetMinutes * MINUTE_MS;
  const ticks: number[] = [];
  for (let tick = Math.ceil((fromMs + offset) / spacing) * spacing - offset; tick <= toMs; tick += spacing) ticks.push(tick);
  return ticks;
}

/** Time of day up to a day's range; weekday and date past it. */
export function historyTimeTick(rangeSeconds: number): (atMs: number) => string {
  const format =
    rangeSeconds <= 24 * 3600
      ? new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
      : new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
  return (atMs) => format.format(atMs);
}
