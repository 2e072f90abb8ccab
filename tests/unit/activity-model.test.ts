import { describe, expect, it } from 'vitest';
import {
  assembleNodeActivity,
  buildBlockingTrees,
  countBy,
  countConnectionStates,
  findIdleInTransaction,
  findLongRunning,
  parseTenantId,
  summarizeTenants,
  topTenantsByActiveTime,
  topTenantsBySessions,
  type WaitingLock,
} from '@/lib/monitor/activity-model';
import type { BlockingNode, SessionSummary } from '@/lib/monitor/activity-types';

const TENANT_A = '0b7f3a52-6f1e-4c44-9d5e-2a1b3c4d5e6f';
const TENANT_B = '9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

function session(pid: number, overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    pid,
    backendStart: `1763768400.${String(pid).padStart(6, '0')}`,
    user: 'app',
    database: 'app',
    applicationName: 'orders-api',
    clientAddr: '10.0.0.7',
    state: 'idle',
    waitEventType: 'Client',
    waitEvent: 'ClientRead',
    queryAgeSeconds: 1,
    transactionAgeSeconds: null,
    stateAgeSeconds: 1,
    queryPreview: 'select 1',
    queryTruncated: false,
    tenantId: null,
    blockedBy: [],
    isConsole: false,
    ...overrides,
  };
}

/** A session waiting on a row lock held (or queued for) by `blockers`. */
function waiting(pid: number, blockers: number[], overrides: Partial<SessionSummary> = {}): SessionSummary {
  return session(pid, { state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', transactionAgeSeconds: 5, blockedBy: blockers, ...overrides });
}

function holding(pid: number, overrides: Partial<SessionSummary> = {}): SessionSummary {
  return session(pid, { state: 'idle in transaction', transactionAgeSeconds: 30, stateAgeSeconds: 29, ...overrides });
}

const rowLock = (pid: number, waitingSeconds: number | null = 2): WaitingLock => ({ pid, lockType: 'transactionid', mode: 'ShareLock', relation: null, waitingSeconds });

/** The tree as nested pids, for readable expectations. */
type Shape = [number, Shape[]];
const shape = (node: BlockingNode): Shape => [node.session.pid, node.blocked.map(shape)];

describe('blocking trees', () => {
  it('shows a chain A → B → C as one tree rooted at the session that waits on nobody', () => {
    const sessions = [holding(10), waiting(20, [10]), waiting(30, [20])];
    const trees = buildBlockingTrees(sessions, [rowLock(20, 4), rowLock(30, 3)]);
    expect(trees.map(shape)).toEqual([[10, [[20, [[30, []]]]]]]);
    expect(trees[0]).toMatchObject({ waitingFor: null, waitingSeconds: null });
    expect(trees[0].blocked[0]).toMatchObject({ waitingFor: { lockType: 'transactionid', mode: 'ShareLock', relation: null }, waitingSeconds: 4 });
  });

  it('shows two independent blockers as two roots, the one blocking more sessions first', () => {
    const sessions = [holding(10), waiting(11, [10]), holding(50), waiting(51, [50]), waiting(52, [50])];
    expect(buildBlockingTrees(sessions, []).map(shape)).toEqual([
      [50, [[51, []], [52, []]]],
      [10, [[11, []]]],
    ]);
  });

  it('leaves out sessions that neither block nor wait', () => {
    expect(buildBlockingTrees([session(1), session(2), holding(3)], [])).toEqual([]);
  });

  it('breaks a deadlock cycle at its oldest transaction, without looping', () => {
    const sessions = [waiting(7, [8], { transactionAgeSeconds: 3 }), waiting(8, [9], { transactionAgeSeconds: 12 }), waiting(9, [7], { transactionAgeSeconds: 6 })];
    const trees = buildBlockingTrees(sessions, [rowLock(7), rowLock(8), rowLock(9)]);
    // 8 is the oldest; 8 blocks 7, 7 blocks 9; 9's edge back to 8 is the one dropped.
    expect(trees.map(shape)).toEqual([[8, [[7, [[9, []]]]]]]);
    expect(trees[0].waitingFor).toBeNull();
  });

  it('gives the same tree whatever order the sessions come in', () => {
    const sessions = [waiting(7, [8]), waiting(8, [7]), holding(1), waiting(2, [1]), waiting(3, [2, 1])];
    const expected = buildBlockingTrees(sessions, []).map(shape);
    expect(buildBlockingTrees([...sessions].reverse(), []).map(shape)).toEqual(expected);
  });

  it('breaks a cycle at the cycle, not at a session that the cycle blocks', () => {
    // 5 ⇄ 6 deadlock; 4 waits on 5 and blocks 3. 4 has the oldest transaction but is no part of the cycle.
    const sessions = [
      waiting(5, [6], { transactionAgeSeconds: 2 }),
      waiting(6, [5], { transactionAgeSeconds: 9 }),
      waiting(4, [5], { transactionAgeSeconds: 60 }),
      waiting(3, [4], { transactionAgeSeconds: 1 }),
    ];
    expect(buildBlockingTrees(sessions, []).map(shape)).toEqual([[6, [[5, [[4, [[3, []]]]]]]]]);
  });

  it('puts a session blocked by several sessions once, under the blocker nearest the root', () => {
    // Lock queue: 1 holds the row; 2 waits on 1; 3 waits on 1 and is queued behind 2.
    const trees = buildBlockingTrees([holding(1), waiting(2, [1]), waiting(3, [2, 1])], []);
    expect(trees.map(shape)).toEqual([[1, [[2, []], [3, []]]]]);
    expect(trees[0].blocked[1].session.blockedBy).toEqual([2, 1]);
  });

  it('stays linear in size for a long lock queue where each waiter is also blocked by all ahead of it', () => {
    const queue = Array.from({ length: 200 }, (_, index) => waiting(100 + index, [1, ...Array.from({ length: index }, (__, ahead) => 100 + ahead)]));
    const [tree] = buildBlockingTrees([holding(1), ...queue], []);
    const count = (node: BlockingNode): number => node.blocked.reduce((sum, child) => sum + count(child), 1);
    expect(count(tree)).toBe(201);
  });

  it('ignores blockers that are not listed sessions (a prepared transaction is pid 0)', () => {
    const trees = buildBlockingTrees([waiting(20, [0]), waiting(21, [20, 0])], []);
    expect(trees.map(shape)).toEqual([[20, [[21, []]]]]);
  });

  it("falls back to the session's state age when the lock's wait start is not recorded yet", () => {
    const [tree] = buildBlockingTrees([holding(1), waiting(2, [1], { stateAgeSeconds: 7.5 })], [rowLock(2, null)]);
    expect(tree.blocked[0].waitingSeconds).toBe(7.5);
  });
});

describe('tenant attribution', () => {
  it('reads the tenant id from application_name tenant:<uuid>, lower-cased', () => {
    expect(parseTenantId(`tenant:${TENANT_A.toUpperCase()}`)).toBe(TENANT_A);
  });

  it.each([['tenant:not-a-uuid'], [`tenant:${TENANT_A}x`], [`tenant: ${TENANT_A}`], [TENANT_A], ['orders-api'], [''], [null]])(
    'attributes no tenant for application_name %j',
    (applicationName) => {
      expect(parseTenantId(applicationName)).toBeNull();
    },
  );

  it('ranks tenants by sessions and by the age of their running queries, with names from the directory', () => {
    const sessions = [
      session(1, { tenantId: TENANT_A }),
      session(2, { tenantId: TENANT_A }),
      session(3, { tenantId: TENANT_A, state: 'active', queryAgeSeconds: 0.5 }),
      session(4, { tenantId: TENANT_B, state: 'active', queryAgeSeconds: 40 }),
      session(5, { tenantId: null, state: 'active', queryAgeSeconds: 900 }),
    ];
    const tenants = summarizeTenants(sessions, new Map([[TENANT_B, 'Acme']]));
    expect(topTenantsBySessions(tenants, 10)).toEqual([
      { tenantId: TENANT_A, tenantName: null, sessions: 3, activeSessions: 1, activeQuerySeconds: 0.5 },
      { tenantId: TENANT_B, tenantName: 'Acme', sessions: 1, activeSessions: 1, activeQuerySeconds: 40 },
    ]);
    expect(topTenantsByActiveTime(tenants, 10).map((tenant) => tenant.tenantId)).toEqual([TENANT_B, TENANT_A]);
    expect(topTenantsBySessions(tenants, 1)).toHaveLength(1);
  });

  it('leaves tenants with only idle sessions out of the active-time ranking', () => {
    const tenants = summarizeTenants([session(1, { tenantId: TENANT_A })], new Map());
    expect(topTenantsByActiveTime(tenants, 10)).toEqual([]);
  });
});

describe('connection counts and lists', () => {
  const sessions = [
    session(1, { state: 'active', waitEventType: null, queryAgeSeconds: 12 }),
    waiting(2, [5], { queryAgeSeconds: 6 }),
    session(3, { state: 'active', queryAgeSeconds: 0.2 }),
    session(4),
    holding(5, { stateAgeSeconds: 25 }),
    session(6, { state: 'idle in transaction (aborted)', stateAgeSeconds: 11, user: 'report', applicationName: '' }),
    session(7, { state: 'idle in transaction', stateAgeSeconds: 3 }),
    session(8, { state: null, database: null }),
  ];

  it('counts sessions by state, lock waiters among the active ones', () => {
    expect(countConnectionStates(sessions)).toEqual({ active: 3, idle: 1, idleInTransaction: 2, idleInTransactionAborted: 1, waitingOnLock: 1, other: 1, total: 8 });
  });

  it('counts by key, most first, ties by name, unnamed as (none), capped', () => {
    expect(countBy(sessions, (entry) => entry.user, 20)).toEqual([
      { key: 'app', count: 7 },
      { key: 'report', count: 1 },
    ]);
    expect(countBy(sessions, (entry) => entry.database, 20)).toEqual([
      { key: 'app', count: 7 },
      { key: '(none)', count: 1 },
    ]);
    expect(countBy(sessions, (entry) => String(entry.pid), 3)).toEqual([
      { key: '1', count: 1 },
      { key: '2', count: 1 },
      { key: '3', count: 1 },
    ]);
  });

  it('lists active queries at or past the threshold, oldest first', () => {
    expect(findLongRunning(sessions, 5, 100).map((entry) => entry.pid)).toEqual([1, 2]);
    expect(findLongRunning(sessions, 5, 1).map((entry) => entry.pid)).toEqual([1]);
  });

  it('lists sessions idle in a transaction (aborted too) past the threshold, oldest first', () => {
    expect(findIdleInTransaction(sessions, 10, 100).map((entry) => entry.pid)).toEqual([5, 6]);
  });

  it('assembles a node reading into the panel shape', () => {
    const activity = assembleNodeActivity(
      { id: 'shard-1-primary', role: 'primary' },
      { maxConnections: 100, reservedConnections: 3, sessions, waitingLocks: [rowLock(2)] },
      new Map(),
      { longQuerySeconds: 5, idleInTransactionSeconds: 10, sessionListLimit: 100, countByLimit: 20, topTenantsLimit: 10 },
    );
    expect(activity).toMatchObject({ nodeId: 'shard-1-primary', role: 'primary', up: true, maxConnections: 100, reservedConnections: 3 });
    if (!activity.up) throw new Error('expected an up node');
    expect(activity.counts.total).toBe(8);
    expect(activity.blockingTrees.map(shape)).toEqual([[5, [[2, []]]]]);
    expect(activity.byApplication[0]).toEqual({ key: 'orders-api', count: 7 });
  });
});
