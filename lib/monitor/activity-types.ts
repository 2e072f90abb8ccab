/**
 * Shapes of the shard page's Activity panel (GET /api/shards/:shardId/activity).
 * Types only: shared by lib/monitor/activity.ts (server) and the React hooks.
 */

export interface SessionSummary {
  pid: number;
  /**
   * extract(epoch from backend_start) as text with microseconds, e.g. "1763768401.123456".
   * Sent back with cancel/terminate so a reused pid is never signalled by mistake.
   */
  backendStart: string;
  user: string | null;
  database: string | null;
  applicationName: string;
  clientAddr: string | null;
  /** active | idle | idle in transaction | idle in transaction (aborted) | fastpath function call | disabled | null */
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** Seconds since query_start (for an idle session: since its last query started). */
  queryAgeSeconds: number | null;
  /** Seconds since xact_start; null outside a transaction. */
  transactionAgeSeconds: number | null;
  /** Seconds since state_change: how long it has been in its current state. */
  stateAgeSeconds: number | null;
  /** Query text cut to QUERY_PREVIEW_CHARS; full text via the query-text endpoint. */
  queryPreview: string;
  queryTruncated: boolean;
  /** From application_name = 'tenant:<uuid>'; null for untagged sessions. */
  tenantId: string | null;
  /** pg_blocking_pids(pid). */
  blockedBy: number[];
  /** The console's own session (application_name 'shardscope'): never cancelled or terminated from the UI. */
  isConsole: boolean;
}

export interface ConnectionCounts {
  active: number;
  idle: number;
  idleInTransaction: number;
  idleInTransactionAborted: number;
  /** Active sessions whose wait_event_type is 'Lock'. Included in `active` too. */
  waitingOnLock: number;
  other: number;
  total: number;
}

export interface CountBy {
  key: string;
  count: number;
}

export interface LockWait {
  /** relation | transactionid | tuple | virtualxid | advisory | ... */
  lockType: string;
  mode: string;
  /** Relation name for relation/tuple locks, else null. */
  relation: string | null;
}

/** One node of a blocking tree: a session, and the sessions waiting on it. */
export interface BlockingNode {
  session: SessionSummary;
  /** What this session waits for (null for a root: it blocks, it does not wait). */
  waitingFor: LockWait | null;
  /** How long it has been waiting (state age of a waiting session), null for a root. */
  waitingSeconds: number | null;
  blocked: BlockingNode[];
}

export interface TenantActivity {
  tenantId: string;
  /** From the control plane's directory; null when the tenant is unknown there. */
  tenantName: string | null;
  sessions: number;
  activeSessions: number;
  /** Sum of query ages of its active sessions: where the shard's time goes right now. */
  activeQuerySeconds: number;
}

export type NodeActivity =
  | { nodeId: string; role: 'primary' | 'replica'; up: false; error: string }
  | {
      nodeId: string;
      role: 'primary' | 'replica';
      up: true;
      maxConnections: number;
      reservedConnections: number;
      counts: ConnectionCounts;
      byDatabase: CountBy[];
      byUser: CountBy[];
      byApplication: CountBy[];
      /** Active sessions running longer than LONG_QUERY_SECONDS, oldest first. */
      longRunning: SessionSummary[];
      /** Idle-in-transaction sessions older than IDLE_IN_TRANSACTION_SECONDS, oldest first. */
      idleInTransaction: SessionSummary[];
      /** Roots are sessions that block others and wait on nobody (or cycles broken at the oldest). */
      blockingTrees: BlockingNode[];
      topTenantsBySessions: TenantActivity[];
      topTenantsByActiveTime: TenantActivity[];
    };

export interface ShardActivity {
  shardId: string;
  generatedAt: string;
  thresholds: { longQuerySeconds: number; idleInTransactionSeconds: number };
  nodes: NodeActivity[];
}

export interface BackendSignalRequest {
  nodeId: string;
  pid: number;
  backendStart: string;
}

export interface BackendSignalResult {
  action: 'cancel' | 'terminate';
  nodeId: string;
  pid: number;
  /** What pg_cancel_backend / pg_terminate_backend returned. */
  signalled: boolean;
}
