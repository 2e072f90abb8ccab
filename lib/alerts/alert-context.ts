import { getControlPool, withControlClient } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { primaryOf } from '@/lib/fleet/topology';
import { collectShardActivity } from '@/lib/monitor/activity';
import { QUERY_PREVIEW_CHARS } from '@/lib/monitor/activity-thresholds';
import type { BlockingNode, NodeActivity, SessionSummary } from '@/lib/monitor/activity-types';
import { readPoolerSample } from '@/lib/monitor/pooler-sample';
import { isCovered, readSpans } from '@/lib/statements/statements-report';
import { BEGIN_WINDOW_READ_SQL, STATEMENT_TEXTS_SQL, WINDOW_INCREASES_SQL, WINDOW_READ_SETTINGS_SQL } from '@/lib/statements/statements-sql';
import { isConsoleOwnStatement } from '@/lib/statements/top-statements';
import { getTenantNames } from '@/lib/tenants/directory';
import { peakLimit, limitOf, type Limits } from '@/lib/tenants/tenant-model';
import { SESSIONS_FRESHNESS_INTERVALS } from './alert-inputs-sql';
import { TENANT_USAGE_SQL, TOP_TENANTS_SQL } from './alert-context-sql';
import type { AlertContext, AlertTarget, ContextBlockingRoot, ContextIdleSession, ContextPool, ContextStatement, ContextTenant } from './alert-model';

/**
 * The context snapshot of an alert when it fires: who was on the shard (top
 * tenants by query time and sessions), who blocks whom and who sits idle in a
 * transaction (live), which statements took the time, and who waits in
 * PgBouncer. Every part is read in parallel under its own deadline; a part
 * that fails or runs out of time is listed in `errors` and the snapshot is
 * kept partial. Never throws: a dead shard makes a short context, never a
 * failed evaluation.
 */

/** Rows per list: the snapshot answers "who", it is not the shard page. */
export const CONTEXT_LIST_LIMIT = 5;

/** At least 5 minutes: one statement snapshot apart at the default interval. */
const MIN_WINDOW_SECONDS = 300;

/** The figures cover five sampling intervals, and at least MIN_WINDOW_SECONDS. */
export function contextWindowSeconds(sampleIntervalS: number): number {
  return Math.max(MIN_WINDOW_SECONDS, 5 * sampleIntervalS);
}

/** A live part is a few statements in sequence, each bounded by the node timeout; this bounds the whole part. */
function partDeadlineMs(): number {
  return 2 * getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS + 500;
}

function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

const truncate = (text: string): string => (text.length > QUERY_PREVIEW_CHARS ? `${text.slice(0, QUERY_PREVIEW_CHARS)}…` : text);

/** A live session's text, already cut to QUERY_PREVIEW_CHARS by the activity read. */
const sessionQuery = (session: SessionSummary): string | null =>
  session.queryPreview ? `${session.queryPreview}${session.queryTruncated ? '…' : ''}` : null;

// ---------------------------------------------------------------- parts

async function readTopTenants(shardId: string, at: Date, windowSeconds: number): Promise<ContextTenant[]> {
  const { rows } = await getControlPool().query<{ tenant_id: string; name: string | null; active_seconds: number; sessions: number }>(TOP_TENANTS_SQL, [
    shardId,
    at,
    windowSeconds,
    CONTEXT_LIST_LIMIT,
  ]);
  return rows.map((row) => ({ tenantId: row.tenant_id, name: row.name, activeSeconds: row.active_seconds, sessions: row.sessions }));
}

interface IncreaseRow {
  kind: 'statement' | 'node';
  statement_hash: string | null;
  calls: number | null;
  exec_ms: number | null;
}

/** Candidates whose texts are read: the console's own statements among them are dropped before the top is cut. */
const STATEMENT_CANDIDATES = 50;

/** The primary's statements by total time between the statement snapshots around the window (lib/statements' window SQL). */
async function readTopStatements(shard: ShardConfig, at: Date, windowSeconds: number): Promise<ContextStatement[]> {
  const primary = primaryOf(shard);
  // A window shorter than the snapshot interval may hold no snapshot: widen it to one interval.
  const spanSeconds = Math.max(windowSeconds, getFleetEnv().SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S);
  return withControlClient(partDeadlineMs(), async (client) => {
    await client.query(BEGIN_WINDOW_READ_SQL);
    try {
      await client.query(WINDOW_READ_SETTINGS_SQL);
      const [span] = await readSpans(client, [{ shardId: shard.id, nodeId: primary.id }], new Date(at.getTime() - spanSeconds * 1000));
      if (!span || !isCovered(span)) throw new Error(`no statement snapshot window of ${primary.id} yet (a window needs two snapshots)`);
      const { rows } = await client.query<IncreaseRow>(WINDOW_INCREASES_SQL, [
        [span.nodeId],
        [span.fromAt],
        [span.toAt],
        [span.resetAt],
        [span.staleBefore],
        [span.baselineComplete],
      ]);
      const byHash = new Map<string, { calls: number; totalTimeMs: number }>();
      for (const row of rows) {
        if (row.kind !== 'statement') continue;
        const figures = byHash.get(row.statement_hash!) ?? { calls: 0, totalTimeMs: 0 };
        figures.calls += row.calls ?? 0;
        figures.totalTimeMs += row.exec_ms ?? 0;
        byHash.set(row.statement_hash!, figures);
      }
      const candidates = [...byHash].sort((a, b) => b[1].totalTimeMs - a[1].totalTimeMs || (a[0] < b[0] ? -1 : 1)).slice(0, STATEMENT_CANDIDATES);
      const texts = await client.query<{ statement_hash: string; query: string }>(STATEMENT_TEXTS_SQL, [candidates.map(([hash]) => hash)]);
      await client.query('commit');
      const textOf = new Map(texts.rows.map((row) => [row.statement_hash, row.query]));
      return candidates
        .filter(([hash]) => !isConsoleOwnStatement(textOf.get(hash) ?? ''))
        .slice(0, CONTEXT_LIST_LIMIT)
        .map(([statementHash, figures]) => ({
          statementHash,
          query: truncate(textOf.get(statementHash) ?? ''),
          calls: figures.calls,
          totalTimeMs: figures.totalTimeMs,
          meanTimeMs: figures.calls > 0 ? figures.totalTimeMs / figures.calls : null,
        }));
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
  });
}

/** Pools by clients waiting (then longest wait, then utilisation): the first rows say who queues. */
async function readPgBouncerWaiting(shard: ShardConfig): Promise<ContextPool[]> {
  const pooler = await readPoolerSample(shard);
  if (!pooler.configured) return [];
  if (!pooler.up) throw new Error(`PgBouncer: ${pooler.error}`);
  return [...pooler.pools]
    .sort((a, b) => b.clientsWaiting - a.clientsWaiting || b.maxWaitSeconds - a.maxWaitSeconds || b.utilisation - a.utilisation)
    .slice(0, CONTEXT_LIST_LIMIT)
    .map((pool) => ({
      pool: `${pool.database}/${pool.user}`,
      clientsWaiting: pool.clientsWaiting,
      maxWaitSeconds: pool.maxWaitSeconds,
      utilisationPct: pool.poolSize > 0 ? pool.utilisation * 100 : null,
    }));
}

interface TenantUsageRow {
  max_connections: number;
  max_api_calls_per_hour: number;
  max_storage_bytes: number;
  max_users: number;
  storage_bytes: number;
  users: number;
  api_calls: number;
  sessions: number;
}

/** The limit the tenant is closest to (or furthest over), counted as the directory and the tenant rule count it. */
async function readTenantLimit(tenantId: string, at: Date): Promise<AlertContext['tenantLimit']> {
  const interval = getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const { rows } = await getControlPool().query<TenantUsageRow>(TENANT_USAGE_SQL, [tenantId, SESSIONS_FRESHNESS_INTERVALS * interval, hour]);
  const row = rows[0];
  if (!row) return null;
  const limits: Limits = {
    maxConnections: row.max_connections,
    maxApiCallsPerHour: row.max_api_calls_per_hour,
    maxStorageBytes: row.max_storage_bytes,
    maxUsers: row.max_users,
  };
  const used = { connections: row.sessions, apiCalls: row.api_calls, storage: row.storage_bytes, users: row.users };
  const peak = peakLimit(used, limits);
  return peak ? { kind: peak.kind, used: used[peak.kind], limit: limitOf(limits, peak.kind) } : null;
}

// ------------------------------------------------------- live sessions

type UpNode = Extract<NodeActivity, { up: true }>;

function blockedCount(tree: BlockingNode): number {
  return tree.blocked.reduce((sum, child) => sum + 1 + blockedCount(child), 0);
}

/** Roots of every node's blocking trees, the most sessions held up first. */
export function blockingRootsOf(nodes: readonly UpNode[], tenantNames: ReadonlyMap<string, string>): ContextBlockingRoot[] {
  return nodes
    .flatMap((node) =>
      node.blockingTrees.map((tree) => ({
        pid: tree.session.pid,
        nodeId: node.nodeId,
        tenantId: tree.session.tenantId,
        tenantName: tree.session.tenantId ? (tenantNames.get(tree.session.tenantId) ?? null) : null,
        user: tree.session.user,
        applicationName: tree.session.applicationName || null,
        state: tree.session.state,
        xactSeconds: tree.session.transactionAgeSeconds,
        blockedCount: blockedCount(tree),
        query: sessionQuery(tree.session),
      })),
    )
    .sort((a, b) => b.blockedCount - a.blockedCount || (b.xactSeconds ?? 0) - (a.xactSeconds ?? 0))
    .slice(0, CONTEXT_LIST_LIMIT);
}

/** Sessions idle in a transaction (past the activity panel's threshold, or any age for the idle-in-transaction rule), longest first. */
export function idleSessionsOf(nodes: readonly UpNode[], tenantNames: ReadonlyMap<string, string>): ContextIdleSession[] {
  return nodes
    .flatMap((node) =>
      node.idleInTransaction.map((session) => ({
        pid: session.pid,
        nodeId: node.nodeId,
        tenantId: session.tenantId,
        tenantName: session.tenantId ? (tenantNames.get(session.tenantId) ?? null) : null,
        user: session.user,
        idleSeconds: session.stateAgeSeconds ?? 0,
        query: sessionQuery(session),
      })),
    )
    .sort((a, b) => b.idleSeconds - a.idleSeconds || a.pid - b.pid)
    .slice(0, CONTEXT_LIST_LIMIT);
}

/** The metric whose alert is about one node's idle sessions: its context lists that node's only. */
const IDLE_IN_TRANSACTION_METRIC = 'longest_idle_in_transaction_seconds';

// ---------------------------------------------------------------- entry

type ContextErrors = AlertContext['errors'];

/** Runs one read under the part deadline; a failure becomes an `errors` entry and the fallback. */
async function part<T>(names: readonly string[], errors: ContextErrors, fallback: T, read: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(read(), partDeadlineMs());
  } catch (error) {
    const message = describeNodeError(error);
    for (const name of names) errors.push({ part: name, message });
    return fallback;
  }
}

export async function captureAlertContext(shard: ShardConfig, target: AlertTarget, metric: string, at: Date): Promise<AlertContext> {
  const errors: ContextErrors = [];
  let windowSeconds = MIN_WINDOW_SECONDS;
  try {
    windowSeconds = contextWindowSeconds(getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S);
    const [topTenants, activity, topStatements, pgbouncerWaiting, tenantLimit] = await Promise.all([
      part(['topTenants'], errors, [], () => readTopTenants(shard.id, at, windowSeconds)),
      part(['blockingRoots', 'idleInTransaction'], errors, null, () =>
        // The idle-in-transaction rule may fire below the activity panel's 10 s: list its offenders whatever their age.
        collectShardActivity(shard, metric === IDLE_IN_TRANSACTION_METRIC ? { idleInTransactionSeconds: 0 } : {}),
      ),
      part(['topStatements'], errors, [], () => readTopStatements(shard, at, windowSeconds)),
      part(['pgbouncerWaiting'], errors, [], () => readPgBouncerWaiting(shard)),
      target.kind === 'tenant' && target.tenantId ? part(['tenantLimit'], errors, null, () => readTenantLimit(target.tenantId!, at)) : undefined,
    ]);

    const nodes = activity?.nodes ?? [];
    const idleScope = metric === IDLE_IN_TRANSACTION_METRIC && target.nodeId ? nodes.filter((node) => node.nodeId === target.nodeId) : nodes;
    for (const node of nodes) {
      if (node.up) continue;
      errors.push({ part: 'blockingRoots', message: `${node.nodeId}: ${node.error}` });
      if (idleScope.includes(node)) errors.push({ part: 'idleInTransaction', message: `${node.nodeId}: ${node.error}` });
    }
    const upNodes = nodes.filter((node): node is UpNode => node.up);
    const sessions = upNodes.flatMap((node) => [...node.idleInTransaction, ...node.blockingTrees.map((tree) => tree.session)]);
    const tenantNames = await getTenantNames(sessions.flatMap((session) => session.tenantId ?? []));
    return {
      capturedAt: new Date().toISOString(),
      windowSeconds,
      topTenants,
      blockingRoots: blockingRootsOf(upNodes, tenantNames),
      idleInTransaction: idleSessionsOf(upNodes.filter((node) => idleScope.includes(node)), tenantNames),
      topStatements,
      pgbouncerWaiting,
      ...(tenantLimit === undefined ? {} : { tenantLimit }),
      errors,
    };
  } catch (error) {
    // Only a bug gets here (every part catches its own failures): still a context, never a failed evaluation.
    return {
      capturedAt: new Date().toISOString(),
      windowSeconds,
      topTenants: [],
      blockingRoots: [],
      idleInTransaction: [],
      topStatements: [],
      pgbouncerWaiting: [],
      errors: [...errors, { part: 'context', message: describeNodeError(error) }],
    };
  }
}

/** The tenant an alert is about beyond its target: for the idle-in-transaction rule, the owner of the longest such session. */
export function attributedTenant(metric: string, context: AlertContext): string | null {
  if (metric !== IDLE_IN_TRANSACTION_METRIC) return null;
  return context.idleInTransaction[0]?.tenantId ?? null;
}
