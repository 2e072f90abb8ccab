import type pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { getControlPool, withControlClient } from '@/lib/control/db';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { getFleet, primaryOf } from '@/lib/fleet/topology';
import { MAX_MOVERS, TOP_BY_TOTAL_TIME } from '@/lib/history/statement-movers';
import { OUTLIER_RULE, type StatementMoments } from './statements-math';
import { topStatements, type StatementParts } from './top-statements';
import { partsOfReadings, readNodesLive, type LiveTarget, type MissingNode } from './statements-live';
import type { StatementsReport, StatementWindow } from './statements-model';
import type { StatementsQuery } from './statements-params';
import {
  BEGIN_WINDOW_READ_SQL,
  SNAPSHOT_SPANS_SQL,
  STATEMENT_TEXTS_SQL,
  WINDOW_INCREASES_SQL,
  WINDOW_READ_SETTINGS_SQL,
} from './statements-sql';

/**
 * GET /api/queries: the top statements of a window across the fleet, one row
 * per statement (merged by the hash of its normalized text), each broken
 * down per shard and node, with the outlier shards flagged.
 *
 * Windows are deltas between the worker's snapshots of each primary
 * (statements-sql.ts). The per-(statement, node, user) increases of a window
 * change only when a snapshot lands, so they are computed once per span (the
 * snapshots the window starts and ends at, per node), kept per window, and
 * every request filters, sorts and merges them in one pass
 * (statements-math.ts, topStatements). Checking the spans is a few index
 * probes per node, so a new snapshot is seen at once.
 *
 * Source 'live' reads pg_stat_statements on every node in scope now
 * (statements-live.ts): for window 'reset', when no snapshot covers the
 * window yet, and when the scope is a replica (snapshots are of primaries).
 */

export const WINDOW_SECONDS: Record<Exclude<StatementWindow, 'reset'>, number> = {
  '15m': 15 * 60,
  '1h': 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};

/** Rows a full snapshot holds: a snapshot with fewer kept every statement that had moved. */
export const FULL_SNAPSHOT_ROWS = TOP_BY_TOTAL_TIME + MAX_MOVERS;

/**
 * Bound on computing one window's increases (a dedicated control connection
 * with this statement timeout): 80,000 moving keys take about a second; a
 * control DB far slower than that is better reported than waited on.
 */
export const WINDOW_LOAD_TIMEOUT_MS = 15_000;

/** A window's increases are dropped when no one has asked for them this long (24 h and 7 d at 80,000 keys hold ≈ 15 MB each). */
export const WINDOW_CACHE_IDLE_MS = 15 * 60_000;

const REPLICA_REASON = 'replica: windows are measured from snapshots of primaries (window "reset" reads replicas live)';

// ------------------------------------------------------------------ spans

/** What a window reads on one primary (see SNAPSHOT_SPANS_SQL). */
export interface NodeSpan {
  shardId: string;
  nodeId: string;
  fromAt: Date | null;
  toAt: Date | null;
  baselineComplete: boolean;
  staleBefore: Date | null;
  resetAt: Date | null;
  resets: Date[];
}

interface SpanRow {
  shard_id: string;
  node_id: string;
  from_at: Date | null;
  to_at: Date | null;
  baseline_complete: boolean;
  stale_before: Date | null;
  reset_at: Date | null;
  resets: Date[];
}

export function isCovered(span: NodeSpan): span is NodeSpan & { fromAt: Date; toAt: Date } {
  return span.fromAt !== null && span.toAt !== null && span.toAt.getTime() > span.fromAt.getTime();
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function readSpans(db: Queryable, primaries: readonly { shardId: string; nodeId: string }[], windowStart: Date): Promise<NodeSpan[]> {
  const { rows } = await db.query<SpanRow>(SNAPSHOT_SPANS_SQL, [
    primaries.map((primary) => primary.shardId),
    primaries.map((primary) => primary.nodeId),
    windowStart,
    FULL_SNAPSHOT_ROWS,
  ]);
  return rows.map((row) => ({
    shardId: row.shard_id,
    nodeId: row.node_id,
    fromAt: row.from_at,
    toAt: row.to_at,
    baselineComplete: row.baseline_complete,
    staleBefore: row.stale_before,
    resetAt: row.reset_at,
    resets: row.resets,
  }));
}

/** Same spans, same increases: the cache key of a window. */
function signatureOf(spans: readonly NodeSpan[]): string {
  const time = (at: Date | null) => (at ? at.getTime() : '-');
  return spans
    .filter(isCovered)
    .map((span) => [span.nodeId, time(span.fromAt), time(span.toAt), time(span.resetAt), time(span.staleBefore), span.baselineComplete].join(':'))
    .join('|');
}

/** Why a primary in scope has no figures for the window. */
function uncoveredReason(span: NodeSpan | undefined): string {
  if (!span || (span.fromAt === null && span.toAt === null)) return 'no statement snapshot of this node yet';
  if (span.toAt === null) return 'no statement snapshot in the window yet';
  return 'only one statement snapshot so far: a window needs two';
}

/** The nodes in scope without figures from the snapshots, and why (replicas never have any). */
export function missingFromSnapshots(targets: readonly LiveTarget[], coveredNodeIds: ReadonlySet<string>, spanOf: ReadonlyMap<string, NodeSpan>): MissingNode[] {
  return targets
    .filter((target) => !coveredNodeIds.has(target.node.id))
    .map((target) => ({
      nodeId: target.node.id,
      shardId: target.shard.id,
      reason: target.node.role === 'replica' ? REPLICA_REASON : uncoveredReason(spanOf.get(target.node.id)),
    }));
}

// ------------------------------------------------------------------ scope

/** Every node in scope with its shard; an unknown shard or node is a 404 naming the field. */
export function resolveTargets(shardId: string | undefined, nodeId: string | undefined): LiveTarget[] {
  const fleet = getFleet();
  const shards = shardId === undefined ? fleet.shards : fleet.shards.filter((shard) => shard.id === shardId);
  if (shards.length === 0) throw new ApiError('not_found', `no shard "${shardId}" in the fleet`, 'shardId');
  const targets = shards.flatMap((shard) => shard.nodes.map((node) => ({ shard, node })));
  if (nodeId === undefined) return targets;
  const node = targets.filter((target) => target.node.id === nodeId);
  if (node.length === 0) throw new ApiError('not_found', `no node "${nodeId}"${shardId ? ` in shard ${shardId}` : ' in the fleet'}`, 'nodeId');
  return node;
}

export function fleetPrimaries(): { shardId: string; nodeId: string }[] {
  return getFleet().shards.map((shard) => ({ shardId: shard.id, nodeId: primaryOf(shard).id }));
}

// ------------------------------------------------------- window increases

interface WindowIncreases {
  signature: string;
  spans: NodeSpan[];
  statements: StatementParts[];
  /** Top-level statement time per covered node over the window. */
  nodeTimeMs: Map<string, number>;
}

interface IncreaseRow {
  kind: 'statement' | 'node';
  statement_hash: string | null;
  node_id: string;
  username: string | null;
  calls: number | null;
  exec_ms: number | null;
  exec_sq: number | null;
  rows: number | null;
  hit: number | null;
  read: number | null;
  io_ms: number | null;
  temp_blks: number | null;
  wal_bytes: number | null;
  all_time_ms: number | null;
}

function momentsOfRow(row: IncreaseRow): StatementMoments {
  return {
    calls: row.calls ?? 0,
    totalTimeMs: row.exec_ms ?? 0,
    sumSquaresMs2: row.exec_sq ?? 0,
    rows: row.rows ?? 0,
    sharedBlksHit: row.hit ?? 0,
    sharedBlksRead: row.read ?? 0,
    ioTimeMs: row.io_ms ?? 0,
    tempBlks: row.temp_blks ?? 0,
    walBytes: row.wal_bytes ?? 0,
  };
}

/** The spans and every increase in one snapshot of the control DB: a snapshot landing in between cannot cut keys out. */
async function loadWindow(window: Exclude<StatementWindow, 'reset'>): Promise<WindowIncreases> {
  const primaries = fleetPrimaries();
  return withControlClient(WINDOW_LOAD_TIMEOUT_MS, async (client) => {
    await client.query(BEGIN_WINDOW_READ_SQL);
    try {
      await client.query(WINDOW_READ_SETTINGS_SQL);
      const spans = await readSpans(client, primaries, new Date(Date.now() - WINDOW_SECONDS[window] * 1000));
      const covered = spans.filter(isCovered);
      const { rows } = await client.query<IncreaseRow>(WINDOW_INCREASES_SQL, [
        covered.map((span) => span.nodeId),
        covered.map((span) => span.fromAt),
        covered.map((span) => span.toAt),
        covered.map((span) => span.resetAt),
        covered.map((span) => span.staleBefore),
        covered.map((span) => span.baselineComplete),
      ]);
      const shardOf = new Map(primaries.map((primary) => [primary.nodeId, primary.shardId]));
      const nodeTimeMs = new Map<string, number>();
      const statements = new Map<string, StatementParts>();
      for (const row of rows) {
        if (row.kind === 'node') {
          nodeTimeMs.set(row.node_id, row.all_time_ms ?? 0);
          continue;
        }
        const hash = row.statement_hash!;
        let statement = statements.get(hash);
        if (!statement) {
          statement = { statementHash: hash, query: '', parts: [] };
          statements.set(hash, statement);
        }
        statement.parts.push({ shardId: shardOf.get(row.node_id)!, nodeId: row.node_id, role: 'primary', username: row.username!, moments: momentsOfRow(row) });
      }
      const texts = await client.query<{ statement_hash: string; query: string }>(STATEMENT_TEXTS_SQL, [[...statements.keys()]]);
      for (const text of texts.rows) statements.get(text.statement_hash)!.query = text.query;
      await client.query('commit');
      return { signature: signatureOf(spans), spans, statements: [...statements.values()], nodeTimeMs };
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
  });
}

/**
 * How long a request waits for a window's new increases (a snapshot just
 * landed) before it answers from the previous span's, which the report's
 * from/to then name. A small fleet's load fits in it (fresh at once); at
 * 80,000 moving keys the load takes over a second, and no one should wait
 * that once per snapshot interval.
 */
export const FRESH_WAIT_MS = 100;

interface WindowSlot {
  /** The spans the increases are (being) computed for. */
  signature: string;
  loading: Promise<WindowIncreases>;
  loaded: WindowIncreases | null;
  /** The last increases of an earlier span, answered while `loading` is slower than FRESH_WAIT_MS. */
  previous: WindowIncreases | null;
  lastUsedAt: number;
}

const windowSlots = new Map<StatementWindow, WindowSlot>();

function dropIdleWindows(now: number): void {
  for (const [window, slot] of windowSlots) if (now - slot.lastUsedAt > WINDOW_CACHE_IDLE_MS) windowSlots.delete(window);
}

/**
 * The window's increases for today's spans: reused while the spans are the
 * same (viewers asking at the same moment share one load), loaded again once
 * a snapshot lands or the window start passes one. Failures are not kept.
 */
async function windowIncreases(window: Exclude<StatementWindow, 'reset'>, spans: readonly NodeSpan[]): Promise<WindowIncreases> {
  const now = Date.now();
  dropIdleWindows(now);
  const signature = signatureOf(spans);
  let slot = windowSlots.get(window);
  if (!slot || slot.signature !== signature) {
    const fresh: WindowSlot = { signature, loading: loadWindow(window), loaded: null, previous: slot ? (slot.loaded ?? slot.previous) : null, lastUsedAt: now };
    fresh.loading.then(
      (loaded) => {
        // A snapshot that landed between the span check and the load: the load saw it, so its spans name the slot.
        fresh.signature = loaded.signature;
        fresh.loaded = loaded;
        fresh.previous = null;
      },
      () => {
        if (windowSlots.get(window) === fresh) windowSlots.delete(window);
      },
    );
    windowSlots.set(window, fresh);
    slot = fresh;
  }
  slot.lastUsedAt = now;
  if (slot.loaded) return slot.loaded;
  const { loading, previous } = slot;
  if (!previous) return loading;
  return Promise.race([loading, new Promise<WindowIncreases>((resolve) => setTimeout(() => resolve(previous), FRESH_WAIT_MS))]);
}

// ----------------------------------------------------------------- report

export async function getStatementsReport(query: StatementsQuery): Promise<StatementsReport> {
  const targets = resolveTargets(query.shardId, query.nodeId);
  if (query.window === 'reset') return liveReport(query, targets);
  const primaries = targets.filter((target) => target.node.role === 'primary');
  if (primaries.length === 0) return liveReport(query, targets);

  const unavailable = (error: unknown) => new ApiError('unavailable', `statement history is unavailable: control database ${describeNodeError(error)}`);
  const windowStart = new Date(Date.now() - WINDOW_SECONDS[query.window] * 1000);
  const spans = await readSpans(getControlPool(), fleetPrimaries(), windowStart).catch((error: unknown) => {
    throw unavailable(error);
  });
  const inScope = new Set(primaries.map((target) => target.node.id));
  if (!spans.some((span) => inScope.has(span.nodeId) && isCovered(span))) return liveReport(query, targets);
  const increases = await windowIncreases(query.window, spans).catch((error: unknown) => {
    throw unavailable(error);
  });

  const spanOf = new Map(increases.spans.map((span) => [span.nodeId, span]));
  const covered = primaries.map((target) => spanOf.get(target.node.id)).filter((span): span is NodeSpan & { fromAt: Date; toAt: Date } => !!span && isCovered(span));
  // The spans moved on between the check and the load (a rare race at a window edge): read the nodes instead.
  if (covered.length === 0) return liveReport(query, targets);
  const nodeIds = new Set(covered.map((span) => span.nodeId));
  const allTimeMs = covered.reduce((sum, span) => sum + (increases.nodeTimeMs.get(span.nodeId) ?? 0), 0);
  const { rows, matched } = topStatements(increases.statements, { nodeIds, user: query.user, q: query.q, sort: query.sort, limit: query.limit, allTimeMs });

  const missingNodes = missingFromSnapshots(targets, nodeIds, spanOf);
  return {
    window: query.window,
    sort: query.sort,
    source: 'snapshots',
    from: new Date(Math.min(...covered.map((span) => span.fromAt.getTime()))).toISOString(),
    to: new Date(Math.max(...covered.map((span) => span.toAt.getTime()))).toISOString(),
    totalTimeMs: allTimeMs,
    rows,
    missingNodes,
    resets: covered.flatMap((span) => span.resets.map((at) => ({ nodeId: span.nodeId, at: at.toISOString() }))),
    outlierRule: OUTLIER_RULE,
    matchedStatements: matched,
  };
}

/** Cumulative counters since each node's last reset, read from every node in scope now. */
async function liveReport(query: StatementsQuery, targets: readonly LiveTarget[]): Promise<StatementsReport> {
  const { readings, missing } = await readNodesLive(targets);
  const { statements, nodeTimeMs } = partsOfReadings(readings);
  const nodeIds = new Set(readings.map((reading) => reading.node.id));
  const allTimeMs = [...nodeTimeMs.values()].reduce((sum, time) => sum + time, 0);
  const { rows, matched } = topStatements(statements.values(), { nodeIds, user: query.user, q: query.q, sort: query.sort, limit: query.limit, allTimeMs });
  const measuredAt = readings.map((reading) => reading.reading.measuredAt.getTime());
  return {
    window: query.window,
    sort: query.sort,
    source: 'live',
    from: null,
    to: new Date(measuredAt.length ? Math.max(...measuredAt) : Date.now()).toISOString(),
    totalTimeMs: allTimeMs,
    rows,
    missingNodes: missing,
    resets: [],
    outlierRule: OUTLIER_RULE,
    matchedStatements: matched,
  };
}

/** For the bench: forget the kept windows (the next request loads with nothing to answer from meanwhile). */
export function forgetWindowIncreases(): void {
  windowSlots.clear();
}

