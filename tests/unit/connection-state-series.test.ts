import { describe, expect, it } from 'vitest';
import { toConnectionStateBars } from '@/components/charts/connection-state-series';
import type { NodeActivity } from '@/lib/monitor/activity-types';

const up = {
  nodeId: 'shard-1-primary',
  role: 'primary',
  up: true,
  maxConnections: 100,
  reservedConnections: 3,
  counts: { active: 5, idle: 10, idleInTransaction: 2, idleInTransactionAborted: 1, waitingOnLock: 2, other: 0, total: 18 },
  byDatabase: [],
  byUser: [],
  byApplication: [],
  longRunning: [],
  idleInTransaction: [],
  blockingTrees: [],
  topTenantsBySessions: [],
  topTenantsByActiveTime: [],
} satisfies NodeActivity;

describe('connection state bars', () => {
  it('splits lock waiters out of active without counting them twice, and shows the headroom left', () => {
    const [bar] = toConnectionStateBars([up]);
    expect(bar).toEqual({ nodeId: 'shard-1-primary', active: 3, waitingOnLock: 2, idleInTransaction: 3, idle: 10, other: 0, headroom: 79 });
    const drawn = bar.active + bar.waitingOnLock + bar.idleInTransaction + bar.idle + bar.other + bar.headroom;
    expect(drawn).toBe(up.maxConnections - up.reservedConnections);
  });

  it('leaves out nodes that are down', () => {
    expect(toConnectionStateBars([{ nodeId: 'x', role: 'replica', up: false, error: 'timed out' }])).toEqual([]);
  });
});
