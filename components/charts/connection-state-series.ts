import type { NodeActivity } from '@/lib/monitor/activity-types';

/** One bar per reachable node: its client connections by state, and the headroom left before refusals. */
export interface ConnectionStateBar {
  nodeId: string;
  active: number;
  waitingOnLock: number;
  idleInTransaction: number;
  idle: number;
  other: number;
  /** Slots ordinary roles can still take: max_connections - reserved - used. */
  headroom: number;
}

export const CONNECTION_STATE_SERIES = [
  { key: 'active', label: 'active', color: '#3fb950' },
  { key: 'waitingOnLock', label: 'waiting on a lock', color: '#f85149' },
  { key: 'idleInTransaction', label: 'idle in transaction', color: '#d29922' },
  { key: 'idle', label: 'idle', color: '#58a6ff' },
  { key: 'other', label: 'other', color: '#8a9bb0' },
  { key: 'headroom', label: 'headroom', color: '#2a3542' },
] as const;

export function toConnectionStateBars(nodes: NodeActivity[]): ConnectionStateBar[] {
  return nodes.flatMap((node) => {
    if (!node.up) return [];
    const { counts } = node;
    return [
      {
        nodeId: node.nodeId,
        // waitingOnLock is a subset of active: drawn separately, not twice.
        active: counts.active - counts.waitingOnLock,
        waitingOnLock: counts.waitingOnLock,
        idleInTransaction: counts.idleInTransaction + counts.idleInTransactionAborted,
        idle: counts.idle,
        other: counts.other,
        headroom: Math.max(0, node.maxConnections - node.reservedConnections - counts.total),
      },
    ];
  });
}
