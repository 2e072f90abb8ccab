import type { ReadRoutingVerdict } from './lag';

/**
 * Shapes of the shard page's Replication panel (GET /api/shards/:shardId/replication)
 * and of the read-target API. Types only.
 */

/** A standby as the primary sees it (pg_stat_replication). */
export interface StandbyFromPrimary {
  applicationName: string;
  /** Fleet node id when application_name matches one, else null (an unknown standby). */
  nodeId: string | null;
  clientAddr: string | null;
  state: string;
  syncState: string;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  /** pg_wal_lsn_diff(pg_current_wal_lsn(), x) on the primary. */
  sentLagBytes: number | null;
  writeLagBytes: number | null;
  flushLagBytes: number | null;
  replayLagBytes: number | null;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
  replyTime: string | null;
}

/** A replica as it sees itself. */
export type ReplicaSelfView =
  | { nodeId: string; up: false; error: string }
  | {
      nodeId: string;
      up: true;
      receiveLsn: string | null;
      replayLsn: string | null;
      /** Bytes received but not yet replayed (replica-local). */
      receivedNotReplayedBytes: number | null;
      /** 'not paused' | 'pause requested' | 'paused' */
      replayPauseState: string;
      lastReplayAt: string | null;
      /** pg_stat_wal_receiver.status; null when no WAL receiver runs (stopped receiving). */
      walReceiverStatus: string | null;
      lastMessageReceivedAt: string | null;
      /** Lag against the primary, by lib/monitor/lag.ts: correct on an idle primary, flags a stalled receiver. */
      lagBytes: number | null;
      lagSeconds: number | null;
      readRouting: ReadRoutingVerdict;
    };

export interface ReplicationSlot {
  slotName: string;
  slotType: 'physical' | 'logical';
  database: string | null;
  active: boolean;
  activePid: number | null;
  /** reserved | extended | unreserved | lost | null */
  walStatus: string | null;
  restartLsn: string | null;
  /** pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn): WAL the primary keeps for this slot. */
  retainedBytes: number | null;
  /** Inactive while retaining WAL: it will fill the primary's disk. */
  danger: boolean;
}

export interface ShardReplication {
  shardId: string;
  generatedAt: string;
  lagThresholdSeconds: number;
  primary:
    | { nodeId: string; up: false; error: string }
    | { nodeId: string; up: true; currentLsn: string; standbys: StandbyFromPrimary[]; slots: ReplicationSlot[] };
  replicas: ReplicaSelfView[];
}

export interface ReadTargetCandidate {
  nodeId: string;
  verdict: ReadRoutingVerdict;
  lagBytes: number | null;
  lagSeconds: number | null;
}

export interface ReadTarget {
  shardId: string;
  /** Where to send reads now: the healthiest replica under the threshold, else the primary. */
  target: { nodeId: string; role: 'primary' | 'replica'; host: string; port: number; database: string };
  reason: string;
  lagThresholdSeconds: number;
  candidates: ReadTargetCandidate[];
}
