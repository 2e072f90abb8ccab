import type {
  StatementFigures,
  StatementNodeFigures,
  StatementRow,
  StatementShardFigures,
  StatementSort,
} from './statements-model';

/**
 * Pure math of the statements page: counter increases between snapshots, the
 * merge of per-node figures into one row per statement (per shard, per node),
 * pooled standard deviation, and the outlier-shard rule. No I/O: unit-tested
 * in tests/unit/statements-math.test.ts. The windowed list computes the same
 * increases in SQL (statements-sql.ts, WINDOW_INCREASES_SQL); counterIncrease
 * and keyIncreases are the reference it follows.
 */

/**
 * Additive moments of a statement's executions: every figure on the page is
 * derived from these, and the moments of two nodes (or of two intervals)
 * simply add up. Exec time only: planning time is not in pg_stat_statements'
 * mean/stddev, and it is recorded only with track_planning on.
 */
export interface StatementMoments {
  calls: number;
  totalTimeMs: number;
  /** Σ t² over the executions (ms²): with calls and the total, it gives the standard deviation of any union of them. */
  sumSquaresMs2: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  /** blk_read_time + blk_write_time. */
  ioTimeMs: number;
  /** temp blocks read + written. */
  tempBlks: number;
  walBytes: number;
}

const MOMENT_FIELDS = ['calls', 'totalTimeMs', 'sumSquaresMs2', 'rows', 'sharedBlksHit', 'sharedBlksRead', 'ioTimeMs', 'tempBlks', 'walBytes'] as const;

export function emptyMoments(): StatementMoments {
  return { calls: 0, totalTimeMs: 0, sumSquaresMs2: 0, rows: 0, sharedBlksHit: 0, sharedBlksRead: 0, ioTimeMs: 0, tempBlks: 0, walBytes: 0 };
}

/** Adds `more` into `total` (mutates and returns it: merging is one pass; spelled out, it runs 80,000 times a request). */
export function addMoments(total: StatementMoments, more: StatementMoments): StatementMoments {
  total.calls += more.calls;
  total.totalTimeMs += more.totalTimeMs;
  total.sumSquaresMs2 += more.sumSquaresMs2;
  total.rows += more.rows;
  total.sharedBlksHit += more.sharedBlksHit;
  total.sharedBlksRead += more.sharedBlksRead;
  total.ioTimeMs += more.ioTimeMs;
  total.tempBlks += more.tempBlks;
  total.walBytes += more.walBytes;
  return total;
}

/**
 * Σ t² of `calls` executions from their total and their population standard
 * deviation (pg_stat_statements' stddev_exec_time): n·σ² + T²/n.
 */
export function sumOfSquaresMs2(calls: number, totalTimeMs: number, stddevTimeMs: number): number {
  if (calls <= 0) return 0;
  return calls * stddevTimeMs * stddevTimeMs + (totalTimeMs * totalTimeMs) / calls;
}

/** Cumulative counters as pg_stat_statements (and a stored snapshot row) hold them. */
export interface CumulativeCounters {
  calls: number;
  totalExecTimeMs: number;
  stddevExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  blkReadTimeMs: number;
  blkWriteTimeMs: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  walBytes: number | string;
}

/** The moments of every execution since the entry was created (or the stats last reset). */
export function momentsOf(counters: CumulativeCounters): StatementMoments {
  return {
    calls: counters.calls,
    totalTimeMs: counters.totalExecTimeMs,
    sumSquaresMs2: sumOfSquaresMs2(counters.calls, counters.totalExecTimeMs, counters.stddevExecTimeMs),
    rows: counters.rows,
    sharedBlksHit: counters.sharedBlksHit,
    sharedBlksRead: counters.sharedBlksRead,
    ioTimeMs: counters.blkReadTimeMs + counters.blkWriteTimeMs,
    tempBlks: counters.tempBlksRead + counters.tempBlksWritten,
    walBytes: Number(counters.walBytes),
  };
}

/**
 * What a statement's counters had at the start of an interval:
 * - a reading (its last stored row at or before the start);
 * - 'absent': it did not exist then (the snapshot at the start kept every
 *   statement that had moved, and this one was not among them), so all it
 *   has now happened since;
 * - 'unknown': it may have existed unrecorded (that snapshot was full), so
 *   its reading may hold time from before the start: it adds nothing rather
 *   than inventing load.
 */
export type Baseline = StatementMoments | 'absent' | 'unknown';

/**
 * The increase of one statement's counters over an interval. A counter that
 * went backwards (pg_stat_statements_reset, or the entry evicted and created
 * again), or a stats reset of the node in between, starts a new baseline:
 * the increase is the later reading itself. Never negative.
 */
export function counterIncrease(earlier: Baseline, later: StatementMoments, statsResetBetween: boolean): StatementMoments {
  if (earlier === 'unknown' && !statsResetBetween) return emptyMoments();
  if (statsResetBetween || earlier === 'absent' || earlier === 'unknown' || later.calls < earlier.calls) return { ...later };
  const increase = emptyMoments();
  for (const field of MOMENT_FIELDS) increase[field] = Math.max(0, later[field] - earlier[field]);
  return increase;
}

/**
 * Standard deviation of all the executions the moments describe (σ² = Σt²/n −
 * mean²), across nodes and intervals alike. Null below two calls. Rounding
 * can push a tiny variance below zero: clamped.
 */
export function pooledStddevMs(moments: StatementMoments): number | null {
  if (moments.calls < 2) return null;
  const mean = moments.totalTimeMs / moments.calls;
  const variance = moments.sumSquaresMs2 / moments.calls - mean * mean;
  return Math.sqrt(Math.max(0, variance));
}

export function figuresOf(moments: StatementMoments): StatementFigures {
  const blocks = moments.sharedBlksHit + moments.sharedBlksRead;
  return {
    calls: moments.calls,
    totalTimeMs: moments.totalTimeMs,
    meanTimeMs: moments.calls > 0 ? moments.totalTimeMs / moments.calls : null,
    stddevTimeMs: pooledStddevMs(moments),
    rows: moments.rows,
    rowsPerCall: moments.calls > 0 ? moments.rows / moments.calls : null,
    sharedBlksHit: moments.sharedBlksHit,
    sharedBlksRead: moments.sharedBlksRead,
    hitPct: blocks > 0 ? (100 * moments.sharedBlksHit) / blocks : null,
    ioTimeMs: moments.ioTimeMs,
    tempBlks: moments.tempBlks,
    walBytes: moments.walBytes,
  };
}

// ---------------------------------------------------------------- outliers

/** A shard's mean counts only with this many calls in the window: fewer is noise (one cold-cache run). */
export const OUTLIER_MIN_CALLS = 20;
/** How far above the other shards' typical mean a shard must be. */
export const OUTLIER_MEAN_RATIO = 3;
/** …and by at least this much per call: 0.02 ms against 0.06 ms is jitter, not a slow shard. */
export const OUTLIER_MIN_EXCESS_MS = 0.1;

export const OUTLIER_RULE =
  `a shard whose mean time is at least ${OUTLIER_MEAN_RATIO}× the median of the other shards' means ` +
  `(and at least ${OUTLIER_MIN_EXCESS_MS} ms more per call), comparing only shards with ≥ ${OUTLIER_MIN_CALLS} calls in the window`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The shards that are outliers for one statement under OUTLIER_RULE (none when fewer than two shards qualify). */
export function outlierShardIds(shards: readonly { shardId: string; calls: number; totalTimeMs: number }[]): string[] {
  const compared = shards.filter((shard) => shard.calls >= OUTLIER_MIN_CALLS).map((shard) => ({ shardId: shard.shardId, mean: shard.totalTimeMs / shard.calls }));
  if (compared.length < 2) return [];
  return compared
    .filter((shard) => {
      const typical = median(compared.filter((other) => other.shardId !== shard.shardId).map((other) => other.mean));
      return shard.mean >= OUTLIER_MEAN_RATIO * typical && shard.mean - typical >= OUTLIER_MIN_EXCESS_MS;
    })
    .map((shard) => shard.shardId);
}

// ------------------------------------------------------------------- merge

/** One statement's moments on one node over the window (its keys — queryid, user, db, toplevel — already summed). */
export interface NodeStatementMoments extends StatementMoments {
  statementHash: string;
  query: string;
  shardId: string;
  nodeId: string;
  role: 'primary' | 'replica';
  users: string[];
}

interface ShardAccumulator {
  shardId: string;
  moments: StatementMoments;
  nodes: StatementNodeFigures[];
}

/** Shards and nodes of one statement, biggest time first (a shard's own nodes: primary first). */
export function mergeShards(nodeRows: readonly NodeStatementMoments[]): { moments: StatementMoments; shards: StatementShardFigures[]; outlierShardIds: string[] } {
  const total = emptyMoments();
  const byShard = new Map<string, ShardAccumulator>();
  for (const row of nodeRows) {
    addMoments(total, row);
    let shard = byShard.get(row.shardId);
    if (!shard) {
      shard = { shardId: row.shardId, moments: emptyMoments(), nodes: [] };
      byShard.set(row.shardId, shard);
    }
    addMoments(shard.moments, row);
    shard.nodes.push({ nodeId: row.nodeId, role: row.role, ...figuresOf(row) });
  }
  const accumulators = [...byShard.values()];
  const outliers = outlierShardIds(accumulators.map((shard) => ({ shardId: shard.shardId, calls: shard.moments.calls, totalTimeMs: shard.moments.totalTimeMs })));
  const shards = accumulators
    .map((shard): StatementShardFigures => ({
      shardId: shard.shardId,
      ...figuresOf(shard.moments),
      shareOfTime: total.totalTimeMs > 0 ? shard.moments.totalTimeMs / total.totalTimeMs : 0,
      outlier: outliers.includes(shard.shardId),
      nodes: shard.nodes.sort((a, b) => (a.role === b.role ? a.nodeId.localeCompare(b.nodeId) : a.role === 'primary' ? -1 : 1)),
    }))
    .sort((a, b) => b.totalTimeMs - a.totalTimeMs || a.shardId.localeCompare(b.shardId));
  return { moments: total, shards, outlierShardIds: outliers.sort() };
}

/**
 * One row per statement hash from per-node rows, in one pass over them.
 * `allTimeMs` is the denominator of shareOfAllTime: all statement time of the
 * nodes in scope over the window, whatever the text and user filters.
 */
export function mergeStatements(nodeRows: readonly NodeStatementMoments[], allTimeMs: number): StatementRow[] {
  const byHash = new Map<string, NodeStatementMoments[]>();
  for (const row of nodeRows) {
    const rows = byHash.get(row.statementHash);
    if (rows) rows.push(row);
    else byHash.set(row.statementHash, [row]);
  }
  return [...byHash.values()].map((rows): StatementRow => {
    const { moments, shards, outlierShardIds: outliers } = mergeShards(rows);
    return {
      statementHash: rows[0].statementHash,
      query: rows[0].query,
      ...figuresOf(moments),
      shareOfAllTime: allTimeMs > 0 ? moments.totalTimeMs / allTimeMs : 0,
      users: [...new Set(rows.flatMap((row) => row.users))].sort(),
      shards,
      outlierShardIds: outliers,
    };
  });
}

// -------------------------------------------------------------------- sort

/** The value a sort key orders by (descending); a statement without calls sorts last by mean. */
export function sortValue(moments: StatementMoments, sort: StatementSort): number {
  switch (sort) {
    case 'total_time':
      return moments.totalTimeMs;
    case 'mean_time':
      return moments.calls > 0 ? moments.totalTimeMs / moments.calls : -1;
    case 'calls':
      return moments.calls;
    case 'rows':
      return moments.rows;
    case 'io_time':
      return moments.ioTimeMs;
    case 'temp_blocks':
      return moments.tempBlks;
    case 'wal_bytes':
      return moments.walBytes;
    case 'shared_read':
      return moments.sharedBlksRead;
  }
}

// ------------------------------------------------- one statement over time

/** A stored reading of one key (node, queryid, user, db, toplevel): cumulative counters at a snapshot. */
export interface StoredReading {
  /** Epoch ms of the snapshot. */
  at: number;
  moments: StatementMoments;
}

export interface KeySpan {
  /** Epoch ms of the span's first snapshot (the window's baseline run). */
  fromAt: number;
  /** The baseline run kept every statement that had moved: a key without a baseline row did not exist then. */
  baselineComplete: boolean;
  /** Epoch ms of the last run before fromAt in another stats epoch: a baseline row at or before it predates a reset. */
  staleBefore: number | null;
  /** Epoch ms of the runs in the span whose stats_reset changed (the node's stats were reset just before each). */
  statsResets: readonly number[];
}

/**
 * The increase of one key at each of its readings inside a span (each
 * reading accounts for the interval since the key's previous reading: it did
 * not move in between), starting from its baseline. Summing them gives the
 * window's increase; a stats reset or a counter going backwards between two
 * readings starts a new baseline there, so activity before a reset is kept.
 */
export function keyIncreases(baseline: StoredReading | null, span: KeySpan, readings: readonly StoredReading[]): { at: number; increase: StatementMoments }[] {
  let previous: Baseline;
  if (baseline && (span.staleBefore === null || baseline.at > span.staleBefore)) previous = baseline.moments;
  else previous = span.baselineComplete ? 'absent' : 'unknown';
  let previousAt = span.fromAt;
  const increases: { at: number; increase: StatementMoments }[] = [];
  for (const reading of [...readings].sort((a, b) => a.at - b.at)) {
    const resetBetween = span.statsResets.some((resetAt) => resetAt > previousAt && resetAt <= reading.at);
    increases.push({ at: reading.at, increase: counterIncrease(previous, reading.moments, resetBetween) });
    previous = reading.moments;
    previousAt = reading.at;
  }
  return increases;
}
