/**
 * The history API's contract (GET /api/history): what route handlers return
 * and what the charts read. Field names are a contract with clients outside
 * this repo: change them only with a new field, never by renaming.
 */

export const HISTORY_RANGES = ['1h', '6h', '24h', '7d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export const RANGE_SECONDS: Record<HistoryRange, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};

/**
 * `to` (optional, ISO 8601) ends a range before now: the /alerts page links
 * to a shard's charts around an event that is over. A clock a little ahead of
 * the server's is tolerated (up to this much, read as now); further in the
 * future is a 400.
 */
export const HISTORY_TO_FUTURE_TOLERANCE_SECONDS = 60;

export interface HistoryPoint {
  /** Start of the bucket, ISO 8601. */
  at: string;
  /** null where the node was down or not sampled in that bucket: drawn as a gap. */
  value: number | null;
}

export interface HistorySeries {
  /** Stable id of what the series measures: a shard id, node id, pool ("database/user") or tenant id. */
  key: string;
  label: string;
  points: HistoryPoint[];
}

export interface HistoryResponse {
  metric: string;
  unit: string;
  /** Human label of the metric, e.g. "Connections (% of max)". */
  label: string;
  stepSeconds: number;
  from: string;
  to: string;
  /** raw samples, or hourly rollups for ranges past the raw retention. */
  source: 'raw' | 'rollup';
  series: HistorySeries[];
}
