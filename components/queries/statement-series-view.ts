import type { StatementDetail, StatementRange } from '@/lib/statements/statements-model';

/**
 * A statement's series (one point per snapshot interval, summed over the
 * fleet) as chart rows. Pure; unit-tested. A null mean (no call in the
 * interval) stays null so the line breaks instead of dropping to zero.
 */
export interface StatementSeriesRow {
  /** Interval end, ms since the epoch. */
  at: number;
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
}

export type StatementMetric = 'calls' | 'totalTimeMs' | 'meanTimeMs';

export const STATEMENT_METRICS: { metric: StatementMetric; label: string; caption: string }[] = [
  { metric: 'calls', label: 'Calls', caption: 'calls per snapshot interval, all shards' },
  { metric: 'totalTimeMs', label: 'Total time', caption: 'execution time per snapshot interval, all shards' },
  { metric: 'meanTimeMs', label: 'Mean time', caption: 'mean execution time per call in each interval' },
];

export interface StatementSeriesChart {
  rows: StatementSeriesRow[];
  /** Intervals with at least one call: 0 means there is nothing to draw. */
  pointCount: number;
  fromMs: number | null;
  toMs: number | null;
}

export function toStatementSeries(series: StatementDetail['series']): StatementSeriesChart {
  const rows = series
    .map((point) => ({ at: Date.parse(point.at), calls: point.calls, totalTimeMs: point.totalTimeMs, meanTimeMs: point.meanTimeMs }))
    .filter((row) => Number.isFinite(row.at))
    .sort((a, b) => a.at - b.at);
  return {
    rows,
    pointCount: rows.filter((row) => row.calls > 0).length,
    fromMs: rows.length ? rows[0].at : null,
    toMs: rows.length ? rows[rows.length - 1].at : null,
  };
}

export const STATEMENT_RANGE_SECONDS: Record<StatementRange, number> = { '1h': 3600, '6h': 6 * 3600, '24h': 24 * 3600, '7d': 7 * 24 * 3600 };

/** The time axis covers the whole range, ending at the later of now and the last point, so an idle hour shows as an empty stretch. */
export function seriesDomain(chart: StatementSeriesChart, range: StatementRange, nowMs: number): [number, number] {
  const toMs = Math.max(nowMs, chart.toMs ?? nowMs);
  return [toMs - STATEMENT_RANGE_SECONDS[range] * 1000, toMs];
}
