import type {
  BlockingNode,
  ConnectionCounts,
  CountBy,
  LockWait,
  NodeActivity,
  SessionSummary,
  TenantActivity,
} from './activity-types';

/**
 * Pure transforms of one node's sessions into the Activity panel: counts,
 * breakdowns, long-running and idle-in-transaction lists, tenant attribution and
 * blocking trees. No I/O here: unit-tested with fixtures.
 */

/** An ungranted lock from pg_locks: what a session is waiting for, and since when. */
export interface WaitingLock extends LockWait {
  pid: number;
  /** From pg_locks.waitstart; null in the instant before Postgres records it. */
  waitingSeconds: number | null;
}

export interface NodeActivityReading {
  maxConnections: number;
  reservedConnections: number;
  sessions: SessionSummary[];
  waitingLocks: WaitingLock[];
}

export interface ActivityLimits {
  longQuerySeconds: number;
  idleInTransactionSeconds: number;
  sessionListLimit: number;
  countByLimit: number;
  topTenantsLimit: number;
}

/** Platform apps tag their connections `tenant:<uuid>`; anything else is not attributed. */
const TENANT_APPLICATION_NAME = /^tenant:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Shown for a session without a database, user or application_name. */
export const UNNAMED = '(none)';

export function parseTenantId(applicationName: string | null): string | null {
  const match = applicationName ? TENANT_APPLICATION_NAME.exec(applicationName) : null;
  return match ? match[1].toLowerCase() : null;
}

const IDLE_IN_TRANSACTION_STATES = new Set(['idle in transaction', 'idle in transaction (aborted)']);

export function countConnectionStates(sessions: readonly SessionSummary[]): ConnectionCounts {
  const counts: ConnectionCounts = { active: 0, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, waitingOnLock: 0, other: 0, total: sessions.length };
  for (const session of sessions) {
    if (session.state === 'active') {
      counts.active += 1;
      if (session.waitEventType === 'Lock') counts.waitingOnLock += 1;
    } else if (session.state === 'idle') counts.idle += 1;
    else if (session.state === 'idle in transaction') counts.idleInTransaction += 1;
    else if (session.state === 'idle in transaction (aborted)') counts.idleInTransactionAborted += 1;
    else counts.other += 1;
  }
  return counts;
}

/** Byte-wise comparison: the same order on every server, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sessions per key, most first (ties by key), capped at `limit`. */
export function countBy(sessions: readonly SessionSummary[], keyOf: (session: SessionSummary) => string | null, limit: number): CountBy[] {
  const counts = new Map<string, number>();
  for (const session of sessions) {
    const key = keyOf(session) || UNNAMED;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || compareText(a.key, b.key))
    .slice(0, limit);
}

const byAgeDescending = (ageOf: (session: SessionSummary) => number | null) => (a: SessionSummary, b: SessionSummary) =>
  (ageOf(b) ?? 0) - (ageOf(a) ?? 0) || a.pid - b.pid;

/** Active sessions whose current query has run at least `thresholdSeconds`, oldest first. */
export function findLongRunning(sessions: readonly SessionSummary[], thresholdSeconds: number, limit: number): SessionSummary[] {
  return sessions
    .filter((session) => session.state === 'active' && (session.queryAgeSeconds ?? 0) >= thresholdSeconds)
    .sort(byAgeDescending((session) => session.queryAgeSeconds))
    .slice(0, limit);
}

/** Sessions idle inside a transaction (aborted or not) for at least `thresholdSeconds`, oldest first. */
export function findIdleInTransaction(sessions: readonly SessionSummary[], thresholdSeconds: number, limit: number): SessionSummary[] {
  return sessions
    .filter((session) => session.state !== null && IDLE_IN_TRANSACTION_STATES.has(session.state) && (session.stateAgeSeconds ?? 0) >= thresholdSeconds)
    .sort(byAgeDescending((session) => session.stateAgeSeconds))
    .slice(0, limit);
}

/** Per tenant: sessions, active sessions and the summed age of their running queries. */
export function summarizeTenants(sessions: readonly SessionSummary[], tenantNames: ReadonlyMap<string, string>): TenantActivity[] {
  const byTenant = new Map<string, TenantActivity>();
  for (const session of sessions) {
    if (!session.tenantId) continue;
    let tenant = byTenant.get(session.tenantId);
    if (!tenant) {
      tenant = { tenantId: session.tenantId, tenantName: tenantNames.get(session.tenantId) ?? null, sessions: 0, activeSessions: 0, activeQuerySeconds: 0 };
      byTenant.set(session.tenantId, tenant);
    }
    tenant.sessions += 1;
    if (session.state === 'active') {
      tenant.activeSessions += 1;
      tenant.activeQuerySeconds += Math.max(0, session.queryAgeSeconds ?? 0);
    }
  }
  return [...byTenant.values()];
}

export function topTenantsBySessions(tenants: readonly TenantActivity[], limit: number): TenantActivity[] {
  return [...tenants]
    .sort((a, b) => b.sessions - a.sessions || b.activeQuerySeconds - a.activeQuerySeconds || compareText(a.tenantId, b.tenantId))
    .slice(0, limit);
}

/** Only tenants with a query running right now: a tenant with idle sessions costs the shard no time. */
export function topTenantsByActiveTime(tenants: readonly TenantActivity[], limit: number): TenantActivity[] {
  return tenants
    .filter((tenant) => tenant.activeSessions > 0)
    .sort((a, b) => b.activeQuerySeconds - a.activeQuerySeconds || b.sessions - a.sessions || compareText(a.tenantId, b.tenantId))
    .slice(0, limit);
}

/** Oldest transaction first, then oldest backend, then pid: the order cycles are broken in. */
function olderFirst(a: SessionSummary, b: SessionSummary): number {
  const transactionAge = (b.transactionAgeSeconds ?? -1) - (a.transactionAgeSeconds ?? -1);
  return transactionAge || Number(a.backendStart) - Number(b.backendStart) || a.pid - b.pid;
}

/**
 * Strongly connected components of the blocking graph restricted to `pids`, in
 * topological order (a component comes before every component it blocks).
 * Tarjan's algorithm emits sinks first, so its output is reversed.
 */
function componentsInBlockingOrder(pids: readonly number[], blockedBy: ReadonlyMap<number, number[]>): number[][] {
  const inScope = new Set(pids);
  const index = new Map<number, number>();
  const lowLink = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const components: number[][] = [];
  const visit = (pid: number) => {
    index.set(pid, index.size);
    lowLink.set(pid, index.get(pid)!);
    stack.push(pid);
    onStack.add(pid);
    for (const next of blockedBy.get(pid) ?? []) {
      if (!inScope.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        lowLink.set(pid, Math.min(lowLink.get(pid)!, lowLink.get(next)!));
      } else if (onStack.has(next)) lowLink.set(pid, Math.min(lowLink.get(pid)!, index.get(next)!));
    }
    if (lowLink.get(pid) === index.get(pid)) {
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== pid);
      components.push(component);
    }
  };
  for (const pid of pids) if (!index.has(pid)) visit(pid);
  return components.reverse();
}

/**
 * Who blocks whom, from pg_blocking_pids. Roots block others and wait on no
 * listed session. Each blocked session appears exactly once: under the first of
 * its blockers reached breadth-first from the roots, i.e. as close to a root as
 * it is; its `blockedBy` still lists every blocker. Once, because in a lock queue
 * every waiter is also blocked by each conflicting waiter ahead of it, and
 * "under every blocker" would grow exponentially with the queue.
 *
 * Blockers outside the session list (a prepared transaction is pid 0, an
 * autovacuum worker, the collector's own backend) are not nodes. Sessions that
 * only wait on each other (a deadlock before deadlock_timeout detects it) are
 * reached from no root: each such cycle is broken at its oldest transaction,
 * which becomes a root.
 */
export function buildBlockingTrees(sessions: readonly SessionSummary[], waitingLocks: readonly WaitingLock[]): BlockingNode[] {
  const byPid = new Map(sessions.map((session) => [session.pid, session]));
  const lockOf = new Map<number, WaitingLock>();
  for (const lock of waitingLocks) if (!lockOf.has(lock.pid)) lockOf.set(lock.pid, lock);
  const waitingSeconds = (pid: number) => lockOf.get(pid)?.waitingSeconds ?? byPid.get(pid)!.stateAgeSeconds;

  const ordered = [...sessions].sort((a, b) => a.pid - b.pid);
  const blockersOf = new Map<number, number[]>();
  const blockedBy = new Map<number, number[]>();
  for (const session of ordered) {
    const blockers = [...new Set(session.blockedBy)].filter((pid) => pid !== session.pid && byPid.has(pid));
    blockersOf.set(session.pid, blockers);
    for (const blocker of blockers) blockedBy.set(blocker, [...(blockedBy.get(blocker) ?? []), session.pid]);
  }
  // Longest waiter first, so it is the one shown first and the first one reached.
  for (const waiters of blockedBy.values()) waiters.sort((a, b) => (waitingSeconds(b) ?? 0) - (waitingSeconds(a) ?? 0) || a - b);

  const parentOf = new Map<number, number | null>();
  const reachFrom = (roots: number[]) => {
    const queue = [...roots];
    for (const root of roots) parentOf.set(root, null);
    for (let head = 0; head < queue.length; head += 1) {
      for (const waiter of blockedBy.get(queue[head]) ?? []) {
        if (parentOf.has(waiter)) continue;
        parentOf.set(waiter, queue[head]);
        queue.push(waiter);
      }
    }
  };

  const roots = ordered.filter((session) => blockersOf.get(session.pid)!.length === 0 && blockedBy.has(session.pid)).map((session) => session.pid);
  reachFrom(roots);
  const unreached = ordered.filter((session) => blockersOf.get(session.pid)!.length > 0 && !parentOf.has(session.pid)).map((session) => session.pid);
  // In blocking order, a component still unreached when its turn comes is blocked by nothing outside itself: a cycle.
  for (const component of componentsInBlockingOrder(unreached, blockedBy)) {
    if (parentOf.has(component[0])) continue;
    const oldest = component.map((pid) => byPid.get(pid)!).sort(olderFirst)[0].pid;
    roots.push(oldest);
    reachFrom([oldest]);
  }

  const build = (pid: number, isRoot: boolean): BlockingNode => {
    const lock = lockOf.get(pid);
    return {
      session: byPid.get(pid)!,
      waitingFor: isRoot || !lock ? null : { lockType: lock.lockType, mode: lock.mode, relation: lock.relation },
      waitingSeconds: isRoot ? null : waitingSeconds(pid),
      blocked: (blockedBy.get(pid) ?? []).filter((waiter) => parentOf.get(waiter) === pid).map((waiter) => build(waiter, false)),
    };
  };
  const size = (node: BlockingNode): number => node.blocked.reduce((sum, child) => sum + size(child), 1);
  return roots
    .map((pid) => build(pid, true))
    .map((tree) => ({ tree, size: size(tree) }))
    .sort((a, b) => b.size - a.size || olderFirst(a.tree.session, b.tree.session))
    .map(({ tree }) => tree);
}

export function assembleNodeActivity(
  node: { id: string; role: 'primary' | 'replica' },
  reading: NodeActivityReading,
  tenantNames: ReadonlyMap<string, string>,
  limits: ActivityLimits,
): NodeActivity {
  const { sessions } = reading;
  const tenants = summarizeTenants(sessions, tenantNames);
  return {
    nodeId: node.id,
    role: node.role,
    up: true,
    maxConnections: reading.maxConnections,
    reservedConnections: reading.reservedConnections,
    counts: countConnectionStates(sessions),
    byDatabase: countBy(sessions, (session) => session.database, limits.countByLimit),
    byUser: countBy(sessions, (session) => session.user, limits.countByLimit),
    byApplication: countBy(sessions, (session) => session.applicationName, limits.countByLimit),
    longRunning: findLongRunning(sessions, limits.longQuerySeconds, limits.sessionListLimit),
    idleInTransaction: findIdleInTransaction(sessions, limits.idleInTransactionSeconds, limits.sessionListLimit),
    blockingTrees: buildBlockingTrees(sessions, reading.waitingLocks),
    topTenantsBySessions: topTenantsBySessions(tenants, limits.topTenantsLimit),
    topTenantsByActiveTime: topTenantsByActiveTime(tenants, limits.topTenantsLimit),
  };
}
