import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { computeReplicaLag, readRoutingVerdict } from './lag';
import type {
  ReadTargetCandidate,
  ReplicaSelfView,
  ReplicationSlot,
  ShardReplication,
  StandbyFromPrimary,
} from './replication-types';
import { formatBytes, formatSeconds } from '@/lib/format';

/**
 * Pure assembly of the Replication panel and the read-target choice from the
 * rows lib/monitor/replication.ts reads. No I/O: unit-tested with fixtures.
 * Lag is never re-derived here: computeReplicaLag and readRoutingVerdict
 * (lib/monitor/lag.ts) are the one definition the whole console shares.
 */

/** A row of pg_stat_replication as STANDBYS_FROM_PRIMARY_SQL returns it. */
export interface StandbyRow {
  application_name: string;
  client_addr: string | null;
  state: string;
  sync_state: string;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  sent_lag_bytes: number | null;
  write_lag_bytes: number | null;
  flush_lag_bytes: number | null;
  replay_lag_bytes: number | null;
  write_lag_seconds: number | null;
  flush_lag_seconds: number | null;
  replay_lag_seconds: number | null;
  reply_time: Date | string | null;
}

/** A row of pg_replication_slots as REPLICATION_SLOTS_SQL returns it. */
export interface SlotRow {
  slot_name: string;
  slot_type: string;
  database: string | null;
  active: boolean;
  active_pid: number | null;
  wal_status: string | null;
  restart_lsn: string | null;
  retained_bytes: number | null;
}

/** What a replica says of itself, as REPLICA_SELF_SQL returns it. */
export interface ReplicaSelfRow {
  receive_lsn: string | null;
  replay_lsn: string | null;
  received_not_replayed_bytes: number | null;
  replay_pause_state: string;
  last_replay_at: Date | string | null;
  last_replay_age_seconds: number | null;
  wal_receiver_status: string | null;
  last_msg_receipt_time: Date | string | null;
}

export type PrimaryProbe =
  | { up: false; error: string }
  | { up: true; currentLsn: string; standbys: StandbyRow[]; slots: SlotRow[] };

export type ReplicaProbe = { up: false; error: string } | { up: true; self: ReplicaSelfRow };

export interface LagThresholds {
  seconds: number;
  bytes: number;
}

function toIso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function toStandby(row: StandbyRow, fleetNodeIds: ReadonlySet<string>): StandbyFromPrimary {
  return {
    applicationName: row.application_name,
    nodeId: fleetNodeIds.has(row.application_name) ? row.application_name : null,
    clientAddr: row.client_addr,
    state: row.state,
    syncState: row.sync_state,
    sentLsn: row.sent_lsn,
    writeLsn: row.write_lsn,
    flushLsn: row.flush_lsn,
    replayLsn: row.replay_lsn,
    sentLagBytes: row.sent_lag_bytes,
    writeLagBytes: row.write_lag_bytes,
    flushLagBytes: row.flush_lag_bytes,
    replayLagBytes: row.replay_lag_bytes,
    writeLagSeconds: row.write_lag_seconds,
    flushLagSeconds: row.flush_lag_seconds,
    replayLagSeconds: row.replay_lag_seconds,
    replyTime: toIso(row.reply_time),
  };
}

/**
 * WAL statuses that mean a slot holds (or held) more than the server would
 * otherwise keep: 'extended' is past max_wal_size, 'unreserved' will lose its
 * WAL at the next checkpoint, 'lost' already has (its consumer cannot resume;
 * the slot only needs dropping). 'reserved' is within max_wal_size.
 */
const SLOT_WAL_AT_RISK = new Set(['extended', 'unreserved', 'lost']);

/**
 * The slot danger rule: nobody is consuming the slot and it pins WAL. An
 * inactive slot's retained WAL only grows (every byte the primary writes is
 * kept for a consumer that is not there), so any retained byte counts; an
 * inactive slot that reserved nothing (restart_lsn null) is harmless. An active
 * slot is its consumer's lag, which the standby rows show.
 */
export function isSlotDangerous(slot: { active: boolean; retainedBytes: number | null; walStatus: string | null }): boolean {
  if (slot.active) return false;
  return (slot.retainedBytes ?? 0) > 0 || (slot.walStatus !== null && SLOT_WAL_AT_RISK.has(slot.walStatus));
}

export function toSlot(row: SlotRow): ReplicationSlot {
  const slot = {
    slotName: row.slot_name,
    slotType: row.slot_type === 'logical' ? ('logical' as const) : ('physical' as const),
    database: row.database,
    active: row.active,
    activePid: row.active_pid,
    walStatus: row.wal_status,
    restartLsn: row.restart_lsn,
    retainedBytes: row.retained_bytes,
  };
  return { ...slot, danger: isSlotDangerous(slot) };
}

/** The primary's row for a replica; a streaming one wins over e.g. a base backup under the same name. */
function standbyRowFor(standbys: readonly StandbyRow[], nodeId: string): StandbyRow | null {
  const rows = standbys.filter((row) => row.application_name === nodeId);
  return rows.find((row) => row.state === 'streaming') ?? rows[0] ?? null;
}

/** 'pause requested' counts as paused: replay stops at the next record, and the primary's lag figure stops moving. */
function isReplayPaused(pauseState: string): boolean {
  return pauseState === 'paused' || pauseState === 'pause requested';
}

export function toReplicaSelfView(nodeId: string, probe: ReplicaProbe, primary: PrimaryProbe, thresholds: LagThresholds): ReplicaSelfView {
  if (!probe.up) return { nodeId, up: false, error: probe.error };
  const { self } = probe;
  const standby = primary.up ? standbyRowFor(primary.standbys, nodeId) : null;
  const lag = computeReplicaLag({
    primaryCurrentLsn: primary.up ? primary.currentLsn : null,
    primaryView: standby ? { replayLsn: standby.replay_lsn, replayLagSeconds: standby.replay_lag_seconds } : null,
    replicaView: {
      replayLsn: self.replay_lsn,
      lastReplayAgeSeconds: self.last_replay_age_seconds,
      replayPaused: isReplayPaused(self.replay_pause_state),
    },
  });
  // The replica's own WAL receiver decides "streaming": a receiver that is gone
  // (primary unreachable, replica promoted) makes the verdict 'failed', however
  // small the last known lag.
  const streaming = self.wal_receiver_status === 'streaming';
  return {
    nodeId,
    up: true,
    receiveLsn: self.receive_lsn,
    replayLsn: self.replay_lsn,
    receivedNotReplayedBytes: self.received_not_replayed_bytes,
    replayPauseState: self.replay_pause_state,
    lastReplayAt: toIso(self.last_replay_at),
    walReceiverStatus: self.wal_receiver_status,
    lastMessageReceivedAt: toIso(self.last_msg_receipt_time),
    lagBytes: lag.lagBytes,
    lagSeconds: lag.lagSeconds,
    readRouting: readRoutingVerdict({ up: true, streaming, lag }, thresholds.seconds, thresholds.bytes),
  };
}

export interface ShardReplicationInput {
  shard: ShardConfig;
  primaryNodeId: string;
  primary: PrimaryProbe;
  /** Keyed by node id; every replica of the shard has an entry. */
  replicas: ReadonlyMap<string, ReplicaProbe>;
  thresholds: LagThresholds;
  generatedAt: string;
}

export function assembleShardReplication(input: ShardReplicationInput): ShardReplication {
  const { shard, primary, thresholds } = input;
  const fleetNodeIds = new Set(shard.nodes.map((node) => node.id));
  const replicaIds = shard.nodes.filter((node) => node.role === 'replica').map((node) => node.id);
  return {
    shardId: shard.id,
    generatedAt: input.generatedAt,
    lagThresholdSeconds: thresholds.seconds,
    primary: primary.up
      ? {
          nodeId: input.primaryNodeId,
          up: true,
          currentLsn: primary.currentLsn,
          standbys: primary.standbys.map((row) => toStandby(row, fleetNodeIds)),
          slots: primary.slots.map(toSlot),
        }
      : { nodeId: input.primaryNodeId, up: false, error: primary.error },
    replicas: replicaIds.map((nodeId) =>
      toReplicaSelfView(nodeId, input.replicas.get(nodeId) ?? { up: false, error: 'not probed' }, primary, thresholds),
    ),
  };
}

// ---------------------------------------------------------------- read target

export function readTargetCandidates(replicas: readonly ReplicaSelfView[]): ReadTargetCandidate[] {
  return replicas.map((replica) =>
    replica.up
      ? { nodeId: replica.nodeId, verdict: replica.readRouting, lagBytes: replica.lagBytes, lagSeconds: replica.lagSeconds }
      : { nodeId: replica.nodeId, verdict: 'failed', lagBytes: null, lagSeconds: null },
  );
}

export interface ReadTargetChoice {
  nodeId: string;
  role: 'primary' | 'replica';
  reason: string;
}

/**
 * Reads go to the healthy replica with the least lag (bytes first: the exact
 * measure; then seconds; then node id, so the choice is stable between polls),
 * else to the primary. Only 'healthy' counts: up, streaming and under both
 * thresholds, as readRoutingVerdict decided.
 */
export function chooseReadTarget(input: {
  primaryNodeId: string;
  primaryUp: boolean;
  candidates: readonly ReadTargetCandidate[];
  thresholdSeconds: number;
}): ReadTargetChoice {
  const healthy = input.candidates
    .filter((candidate) => candidate.verdict === 'healthy')
    .sort(
      (a, b) =>
        (a.lagBytes ?? Infinity) - (b.lagBytes ?? Infinity) ||
        (a.lagSeconds ?? Infinity) - (b.lagSeconds ?? Infinity) ||
        a.nodeId.localeCompare(b.nodeId),
    );
  const best = healthy[0];
  if (best) {
    return {
      nodeId: best.nodeId,
      role: 'replica',
      reason: `${best.nodeId}: streaming, ${formatBytes(best.lagBytes ?? 0)} / ${formatSeconds(best.lagSeconds ?? 0)} behind`,
    };
  }
  const why = input.candidates.length
    ? ` (${input.candidates.map((candidate) => `${candidate.nodeId} ${candidate.verdict}`).join(', ')})`
    : ' (the shard has no replica)';
  const primaryDown = input.primaryUp ? '' : `; ${input.primaryNodeId} is down too`;
  return {
    nodeId: input.primaryNodeId,
    role: 'primary',
    reason: `no replica under ${formatSeconds(input.thresholdSeconds)}: reads go to the primary${why}${primaryDown}`,
  };
}
