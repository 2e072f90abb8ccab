import type { HistoryPoint, HistorySeries } from './history-types';

/**
 * Pure parts of the history API: the bucket width for a range (so a series
 * has at most about 500 points), the bucket grid, and turning bucketed rows
 * into series with explicit nulls for buckets without a value. No I/O.
 */

export const MAX_POINTS_PER_SERIES = 500;

/** Bucket widths a chart axis reads well at (seconds). */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The smallest readable step ≥ the sampling interval that keeps the range within MAX_POINTS_PER_SERIES. */
export function chooseStepSeconds(rangeSeconds: number, minimumStepSeconds: number): number {
  const wanted = Math.max(minimumStepSeconds, rangeSeconds / MAX_POINTS_PER_SERIES);
  return NICE_STEPS.find((step) => step >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

/** Bucket starts from the bucket holding `from` up to the one holding `to`, aligned to the epoch like date_bin. */
export function bucketGrid(from: Date, to: Date, stepSeconds: number): Date[] {
  const stepMs = stepSeconds * 1000;
  const first = Math.floor(from.getTime() / stepMs) * stepMs;
  const grid: Date[] = [];
  for (let at = first; at <= to.getTime(); at += stepMs) grid.push(new Date(at));
  return grid;
}

export interface BucketRow {
  bucket: Date;
  seriesKey: string;
  value: number | null;
}

/**
 * One series per key, one point per grid bucket; a bucket with no row (not
 * sampled) or a null value (down) is a null point: a gap on the chart.
 * Series come in the order of `labels` (known keys first), then by key.
 */
export function toSeries(rows: readonly BucketRow[], grid: readonly Date[], labels: ReadonlyMap<string, string>): HistorySeries[] {
  const byKey = new Map<string, Map<number, number | null>>();
  for (const row of rows) {
    let values = byKey.get(row.seriesKey);
    if (!values) byKey.set(row.seriesKey, (values = new Map()));
    values.set(row.bucket.getTime(), row.value === null || !Number.isFinite(row.value) ? null : row.value);
  }
  const known = [...labels.keys()].filter((key) => byKey.has(key));
  const unknown = [...byKey.keys()].filter((key) => !labels.has(key)).sort();
  return [...known, ...unknown].map((key) => {
    const values = byKey.get(key)!;
    const points: HistoryPoint[] = grid.map((bucket) => ({ at: bucket.toISOString(), value: values.get(bucket.getTime()) ?? null }));
    return { key, label: labels.get(key) ?? key, points };
  });
}

/** The `limit` series with the largest total (for per-tenant metrics over every tenant): the busiest first. */
export function topSeries(series: readonly HistorySeries[], limit: number): HistorySeries[] {
  const total = (entry: HistorySeries) => entry.points.reduce((sum, point) => sum + (point.value ?? 0), 0);
  return [...series].sort((a, b) => total(b) - total(a) || a.key.localeCompare(b.key)).slice(0, limit);
}
