import { formatBytes, formatNumber, formatPercent, formatSeconds } from '@/lib/format';
import type { StatementDetail, StatementFigures, StatementRange, StatementSort, StatementsReport, StatementWindow } from '@/lib/statements/statements-model';

/**
 * How a statement's figures read on the queries and statement pages. Pure;
 * unit-tested. A figure the server could not derive (null) reads "—", never 0.
 */

/** Milliseconds as the console writes durations: 0.4 ms, 12 ms, 3.2 s, 4 min. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms === 0) return '0 ms';
  return formatSeconds(ms / 1000);
}

/** A share (0–1) as a percentage; a share below 0.1 % reads "< 0.1 %" rather than "0 %" next to a non-zero time. */
export function formatShare(share: number | null): string {
  if (share === null) return '—';
  if (share > 0 && share < 0.001) return '< 0.1 %';
  return formatPercent(share * 100);
}

export function formatCount(value: number | null): string {
  return value === null ? '—' : formatNumber(value);
}

export function formatWalBytes(bytes: number): string {
  return formatBytes(bytes);
}

/** What each sort key orders by, in the operator's words (the column headers' titles). */
export const SORT_LABELS: Record<StatementSort, { header: string; title: string }> = {
  total_time: { header: 'Total time', title: 'execution time summed over every call in the window, and its share of all statement time' },
  mean_time: { header: 'Mean', title: 'mean execution time per call' },
  calls: { header: 'Calls', title: 'times executed in the window' },
  rows: { header: 'Rows', title: 'rows returned or affected, in total and per call' },
  shared_read: { header: 'Blocks hit / read', title: 'shared buffer hits and reads (from the OS or disk), and the hit ratio' },
  io_time: { header: 'I/O time', title: 'time spent reading and writing blocks (track_io_timing)' },
  temp_blocks: { header: 'Temp blocks', title: 'temporary file blocks read and written (sorts and hashes that spilled past work_mem)' },
  wal_bytes: { header: 'WAL', title: 'write-ahead log generated' },
};

/** The rows per call and the hit ratio, together on one line. */
export function rowsText(figures: StatementFigures): string {
  return figures.rowsPerCall === null ? formatCount(figures.rows) : `${formatCount(figures.rows)} (${formatCount(figures.rowsPerCall)}/call)`;
}

export function blocksText(figures: StatementFigures): string {
  return `${formatCount(figures.sharedBlksHit)} / ${formatCount(figures.sharedBlksRead)}`;
}

/**
 * A hit ratio below 99 % on a statement that reads a lot is worth a look
 * (its working set does not fit in shared_buffers); a statement with a few
 * reads is not.
 */
export const LOW_HIT_PCT = 99;
export const HIT_RATIO_MIN_BLOCKS = 1000;

export function lowHitRatio(figures: StatementFigures): boolean {
  return figures.hitPct !== null && figures.hitPct < LOW_HIT_PCT && figures.sharedBlksHit + figures.sharedBlksRead >= HIT_RATIO_MIN_BLOCKS;
}

/** One line of normalized text for a table cell: whitespace collapsed, cut at `max` characters. */
export function statementPreview(query: string, max = 140): string {
  const line = query.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const WINDOW_WORDS: Record<StatementWindow, string> = {
  '15m': 'the last 15 minutes',
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  reset: "each node's last statistics reset",
};

function timeText(at: string): string {
  return new Date(at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Where the numbers come from, said once above the table. */
export function reportSourceText(report: Pick<StatementsReport, 'window' | 'source' | 'from' | 'to'>): string {
  if (report.window === 'reset') return `Cumulative counters since ${WINDOW_WORDS.reset}, read live from the nodes.`;
  if (report.source === 'live') {
    return `Read live from the nodes: no snapshot covers ${WINDOW_WORDS[report.window]} yet, so these are cumulative counters since each node's last reset, not the window's deltas.`;
  }
  const span = report.from ? `${timeText(report.from)} → ${timeText(report.to)}` : `up to ${timeText(report.to)}`;
  return `Deltas between the worker's snapshots over ${WINDOW_WORDS[report.window]} (${span}).`;
}

/** The statement text's `$n` parameters: the highest n, ignoring quoted strings, quoted identifiers and comments. */
export function parameterCountOf(statement: string): number {
  const code = statement
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');
  let highest = 0;
  for (const match of code.matchAll(/\$(\d+)/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/** The statement page's outlier flag in words (the fleet report states the server's exact rule). */
export const DETAIL_OUTLIER_RULE = "this shard's mean time is far above the other shards' for the same statement";

const RANGE_WORDS: Record<StatementRange, string> = { '1h': 'the last hour', '6h': 'the last 6 hours', '24h': 'the last 24 hours', '7d': 'the last 7 days' };

/** Where a statement page's figures come from; an older server that does not say is taken as snapshots. */
export function detailSourceText(detail: Pick<StatementDetail, 'range' | 'source' | 'from' | 'to'>): string {
  if (detail.source === 'live') {
    return `Read live from the nodes: no snapshot covers ${RANGE_WORDS[detail.range]} yet, so these are cumulative counters since each node's last reset, and the charts wait for the worker's snapshots.`;
  }
  const span = detail.from && detail.to ? ` (${timeText(detail.from)} → ${timeText(detail.to)})` : '';
  return `Deltas between the worker's snapshots over ${RANGE_WORDS[detail.range]}${span}.`;
}
