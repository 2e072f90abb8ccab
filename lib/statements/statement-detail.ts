import { ApiError } from '@/lib/api/errors';
import { withControlTransaction } from '@/lib/control/db';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { getFleet } from '@/lib/fleet/topology';
import { parameterCount } from './statement-parameters';
import {
  addMoments,
  emptyMoments,
  figuresOf,
  keyIncreases,
  mergeShards,
  type NodeStatementMoments,
  type StatementMoments,
} from './statements-math';
import type { StatementParts } from './top-statements';
import { partsOfReadings, readNodesLive, type LiveTarget } from './statements-live';
import type { StatementDetail, StatementRange } from './statements-model';
import { fleetPrimaries, isCovered, missingFromSnapshots, readSpans, type NodeSpan } from './statements-report';
import { DETAIL_READ_SETTINGS_SQL, READ_ONE_SNAPSHOT_SQL, SPAN_RUNS_SQL, STATEMENT_READINGS_SQL, STATEMENT_TEXT_SQL } from './statements-sql';

/**
 * GET /api/queries/:statementHash?range=: one statement over a range — its
 * figures for the fleet, per shard and per node, and calls / total / mean
 * time per snapshot interval for the charts. From the snapshots, with the
 * same increase rule as the list, applied reading by reading
 * (statements-math.ts, keyIncreases), so a reset inside the range keeps what
 * ran before it. A statement the snapshots never held (or a range no
 * snapshot covers yet) is read live from every node; a hash found nowhere is
 * a 404.
 */

export const RANGE_SECONDS: Record<StatementRange, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};

interface ReadingRow {
  baseline: boolean;
  node_id: string;
  queryid: string;
  username: string;
  dbname: string;
  toplevel: boolean;
  at: Date;
  calls: number;
  exec_ms: number;
  exec_sq: number;
  rows: number;
  hit: number;
  read: number;
  io_ms: number;
  temp_blks: number;
  wal_bytes: number;
}

interface RunRow {
  at: Date;
  /** Nodes whose stats were reset just before this run. */
  reset_nodes: string[];
}

interface StoredStatement {
  query: string | null;
  spans: NodeSpan[];
  readings: ReadingRow[];
  runs: RunRow[];
}

function momentsOfReading(row: ReadingRow): StatementMoments {
  return {
    calls: row.calls,
    totalTimeMs: row.exec_ms,
    sumSquaresMs2: row.exec_sq,
    rows: row.rows,
    sharedBlksHit: row.hit,
    sharedBlksRead: row.read,
    ioTimeMs: row.io_ms,
    tempBlks: row.temp_blks,
    walBytes: row.wal_bytes,
  };
}

/** Text, spans, the statement's readings and the runs, in one snapshot of the control DB. */
async function readStoredStatement(statementHash: string, range: StatementRange): Promise<StoredStatement> {
  const primaries = fleetPrimaries();
  return withControlTransaction(async (client) => {
    await client.query(READ_ONE_SNAPSHOT_SQL);
    await client.query(DETAIL_READ_SETTINGS_SQL);
    const text = await client.query<{ query: string }>(STATEMENT_TEXT_SQL, [statementHash]);
    const query = text.rows[0]?.query ?? null;
    if (query === null) return { query, spans: [], readings: [], runs: [] };
    const spans = await readSpans(client, primaries, new Date(Date.now() - RANGE_SECONDS[range] * 1000));
    const covered = spans.filter(isCovered);
    if (covered.length === 0) return { query, spans, readings: [], runs: [] };
    const nodeIds = covered.map((span) => span.nodeId);
    const fromAts = covered.map((span) => span.fromAt);
    const toAts = covered.map((span) => span.toAt);
    const readings = await client.query<ReadingRow>(STATEMENT_READINGS_SQL, [statementHash, nodeIds, fromAts, toAts]);
    const runs = await client.query<RunRow>(SPAN_RUNS_SQL, [nodeIds, fromAts, toAts]);
    return { query, spans, readings: readings.rows, runs: runs.rows };
  });
}

export async function getStatementDetail(statementHash: string, range: StatementRange): Promise<StatementDetail> {
  let stored: StoredStatement;
  try {
    stored = await readStoredStatement(statementHash, range);
  } catch (error) {
    throw new ApiError('unavailable', `statement history is unavailable: control database ${describeNodeError(error)}`);
  }
  const targets: LiveTarget[] = getFleet().shards.flatMap((shard) => shard.nodes.map((node) => ({ shard, node })));
  const covered = stored.spans.filter(isCovered);
  if (stored.query === null || covered.length === 0) return liveDetail(statementHash, range, stored.query, targets);
  return snapshotDetail(statementHash, range, stored.query, stored, targets);
}

function snapshotDetail(statementHash: string, range: StatementRange, query: string, stored: StoredStatement, targets: LiveTarget[]): StatementDetail {
  const covered = stored.spans.filter(isCovered);
  const spanOf = new Map(stored.spans.map((span) => [span.nodeId, span]));
  const statsResetsOf = new Map<string, number[]>();
  const runTimes: number[] = [];
  for (const run of stored.runs) {
    runTimes.push(run.at.getTime());
    for (const nodeId of run.reset_nodes) statsResetsOf.set(nodeId, [...(statsResetsOf.get(nodeId) ?? []), run.at.getTime()]);
  }

  const keys = new Map<string, { nodeId: string; username: string; baseline: ReadingRow | null; readings: ReadingRow[] }>();
  for (const row of stored.readings) {
    const keyName = [row.node_id, row.queryid, row.username, row.dbname, row.toplevel].join('|');
    let key = keys.get(keyName);
    if (!key) {
      key = { nodeId: row.node_id, username: row.username, baseline: null, readings: [] };
      keys.set(keyName, key);
    }
    if (row.baseline) key.baseline = row;
    else key.readings.push(row);
  }

  const perNode = new Map<string, { moments: StatementMoments; users: Set<string> }>();
  const perRun = new Map<number, { calls: number; totalTimeMs: number }>();
  for (const key of keys.values()) {
    const span = spanOf.get(key.nodeId)!;
    const increases = keyIncreases(
      key.baseline ? { at: key.baseline.at.getTime(), moments: momentsOfReading(key.baseline) } : null,
      {
        fromAt: span.fromAt!.getTime(),
        baselineComplete: span.baselineComplete,
        staleBefore: span.staleBefore ? span.staleBefore.getTime() : null,
        statsResets: statsResetsOf.get(key.nodeId) ?? [],
      },
      key.readings.map((reading) => ({ at: reading.at.getTime(), moments: momentsOfReading(reading) })),
    );
    let node = perNode.get(key.nodeId);
    if (!node) {
      node = { moments: emptyMoments(), users: new Set() };
      perNode.set(key.nodeId, node);
    }
    for (const { at, increase } of increases) {
      addMoments(node.moments, increase);
      if (increase.calls > 0) node.users.add(key.username);
      const point = perRun.get(at) ?? { calls: 0, totalTimeMs: 0 };
      point.calls += increase.calls;
      point.totalTimeMs += increase.totalTimeMs;
      perRun.set(at, point);
    }
  }

  const nodeRows: NodeStatementMoments[] = [...perNode.entries()]
    .filter(([, node]) => node.moments.calls > 0 || node.moments.totalTimeMs > 0)
    .map(([nodeId, node]) => ({
      statementHash,
      query,
      shardId: spanOf.get(nodeId)!.shardId,
      nodeId,
      role: 'primary',
      users: [...node.users].sort(),
      ...node.moments,
    }));
  const { moments, shards } = mergeShards(nodeRows);
  const series = runTimes.map((at) => {
    const point = perRun.get(at) ?? { calls: 0, totalTimeMs: 0 };
    return { at: new Date(at).toISOString(), calls: point.calls, totalTimeMs: point.totalTimeMs, meanTimeMs: point.calls > 0 ? point.totalTimeMs / point.calls : null };
  });
  return {
    statementHash,
    query,
    range,
    figures: figuresOf(moments),
    shards,
    series,
    parameterCount: parameterCount(query),
    source: 'snapshots',
    from: new Date(Math.min(...covered.map((span) => span.fromAt!.getTime()))).toISOString(),
    to: new Date(Math.max(...covered.map((span) => span.toAt!.getTime()))).toISOString(),
    missingNodes: missingFromSnapshots(targets, new Set(covered.map((span) => span.nodeId)), spanOf),
  };
}

/** Cumulative since each node's last reset, read now; a hash neither stored nor running anywhere is a 404. */
async function liveDetail(statementHash: string, range: StatementRange, storedQuery: string | null, targets: LiveTarget[]): Promise<StatementDetail> {
  const { readings, missing } = await readNodesLive(targets);
  const statement: StatementParts | undefined = partsOfReadings(readings).statements.get(statementHash);
  const query = storedQuery ?? statement?.query;
  if (query === undefined) {
    const unread = missing.length > 0 ? ` (${missing.length} node(s) did not answer)` : '';
    throw new ApiError('not_found', `no statement ${statementHash} in the snapshots or on any node${unread}`, 'statementHash');
  }
  const perNode = new Map<string, NodeStatementMoments>();
  for (const part of statement?.parts ?? []) {
    let row = perNode.get(part.nodeId);
    if (!row) {
      row = { statementHash, query, shardId: part.shardId, nodeId: part.nodeId, role: part.role, users: [], ...emptyMoments() };
      perNode.set(part.nodeId, row);
    }
    addMoments(row, part.moments);
    if (!row.users.includes(part.username)) row.users.push(part.username);
  }
  const { moments, shards } = mergeShards([...perNode.values()]);
  const measuredAt = readings.map((reading) => reading.reading.measuredAt.getTime());
  return {
    statementHash,
    query,
    range,
    figures: figuresOf(moments),
    shards,
    series: [],
    parameterCount: parameterCount(query),
    source: 'live',
    from: null,
    to: new Date(measuredAt.length ? Math.max(...measuredAt) : Date.now()).toISOString(),
    missingNodes: missing,
  };
}
