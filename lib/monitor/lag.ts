import { lsnBytesBehind } from '@/lib/fleet/lsn';

/**
 * Replica lag from LSNs, not from `now() - pg_last_xact_replay_timestamp()`:
 * that figure grows without bound on an idle primary (nothing to replay, so the
 * last replay time just gets older). Here a replica that has replayed
 * everything the primary wrote is 0 bytes and 0 s behind, however idle.
 */

export interface ReplicaLagInput {
  /** pg_current_wal_lsn() on the primary; null when the primary is unreachable. */
  primaryCurrentLsn: string | null;
  /** What the primary's pg_stat_replication says of this standby; null when it is not connected. */
  primaryView: { replayLsn: string | null; replayLagSeconds: number | null } | null;
  /** What the replica says of itself; null when the replica is unreachable. */
  replicaView: {
    replayLsn: string | null;
    /** now() - pg_last_xact_replay_timestamp() on the replica, null before its first replayed commit. */
    lastReplayAgeSeconds: number | null;
    replayPaused: boolean;
  } | null;
}

export interface ReplicaLag {
  /** Bytes of WAL the primary has written that the replica has not replayed; null when unknowable. */
  lagBytes: number | null;
  /** Seconds the replica's data is behind; 0 when caught up; null when unknowable. */
  lagSeconds: number | null;
}

export function computeReplicaLag(input: ReplicaLagInput): ReplicaLag {
  const { primaryCurrentLsn, primaryView, replicaView } = input;
  if (!primaryCurrentLsn) return { lagBytes: null, lagSeconds: null };

  // Prefer the replay position the primary holds: it is read in the same
  // snapshot as the primary's LSN. Fall back to asking the replica, which also
  // catches a replica that stopped streaming (no pg_stat_replication row).
  const replayLsn = primaryView?.replayLsn ?? replicaView?.replayLsn ?? null;
  if (!replayLsn) return { lagBytes: null, lagSeconds: null };
  const lagBytes = lsnBytesBehind(primaryCurrentLsn, replayLsn);

  if (lagBytes === 0) return { lagBytes, lagSeconds: 0 };
  // Streaming: the primary measures replay delay itself (flush → replay ack).
  // Not while replay is paused: then no ack comes and that figure stands still.
  if (primaryView?.replayLagSeconds != null && !replicaView?.replayPaused) {
    return { lagBytes, lagSeconds: primaryView.replayLagSeconds };
  }
  // Paused, not streaming, or no measurement yet, with WAL pending: the replica's
  // data is at least as old as its last replayed commit. This must not look healthy.
  return { lagBytes, lagSeconds: replicaView?.lastReplayAgeSeconds ?? null };
}

export type ReadRoutingVerdict = 'healthy' | 'lagging' | 'failed';

/** The read-routing rule: send reads to a replica only while it is up, streaming and under the lag threshold. */
export function readRoutingVerdict(
  replica: { up: boolean; streaming: boolean; lag: ReplicaLag },
  thresholdSeconds: number,
  thresholdBytes: number,
): ReadRoutingVerdict {
  if (!replica.up || !replica.streaming || replica.lag.lagBytes === null) return 'failed';
  if (replica.lag.lagSeconds === null || replica.lag.lagSeconds >= thresholdSeconds || replica.lag.lagBytes >= thresholdBytes) return 'lagging';
  return 'healthy';
}
