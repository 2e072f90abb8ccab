import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError, queryNode } from '@/lib/fleet/node-pools';
import { SharedFlight } from '@/lib/fleet/shared-flight';
import { primaryOf } from '@/lib/fleet/topology';
import {
  assembleShardReplication,
  type PrimaryProbe,
  type ReplicaProbe,
  type ReplicaSelfRow,
  type SlotRow,
  type StandbyRow,
} from './replication-model';
import type { ShardReplication } from './replication-types';
import { REPLICA_LAG_THRESHOLD_BYTES, REPLICA_LAG_THRESHOLD_SECONDS } from './thresholds';

/**
 * The shard page's Replication panel: the primary's view of its standbys and
 * slots, and each replica's view of itself, read from every node of the shard
 * in parallel. A node that cannot answer is reported down; this never throws
 * for one.
 */

/**
 * Where the primary is writing now. Healthy: it moves while the shard takes
 * writes; standby and slot positions are measured against it.
 */
export const PRIMARY_CURRENT_LSN_SQL = `
  select pg_current_wal_lsn()::text as current_lsn`;

/**
 * Standbys as the primary sees them: one row per WAL sender. The byte lags are
 * WAL the primary has written that the standby has not yet sent / written /
 * flushed / replayed; the *_lag times are the primary's own measure of how long
 * the last acknowledgements took (NULL once a caught-up standby idles).
 * Healthy: state 'streaming', replay lag bytes near 0, reply_time within
 * wal_receiver_status_interval (10 s by default). application_name is the
 * standby's cluster_name, which is its fleet node id.
 */
export const STANDBYS_FROM_PRIMARY_SQL = `
  select
    application_name,
    host(client_addr) as client_addr,
    state,
    sync_state,
    sent_lsn::text as sent_lsn,
    write_lsn::text as write_lsn,
    flush_lsn::text as flush_lsn,
    replay_lsn::text as replay_lsn,
    pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::float8 as sent_lag_bytes,
    pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)::float8 as write_lag_bytes,
    pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::float8 as flush_lag_bytes,
    pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 as replay_lag_bytes,
    extract(epoch from write_lag)::float8 as write_lag_seconds,
    extract(epoch from flush_lag)::float8 as flush_lag_seconds,
    extract(epoch from replay_lag)::float8 as replay_lag_seconds,
    reply_time
  from pg_stat_replication
  order by application_name`;

/**
 * Replication slots on the primary and the WAL each one pins. Healthy: every
 * slot active, wal_status 'reserved', retained bytes about its consumer's lag.
 * An inactive slot retaining WAL keeps every segment from its restart_lsn on:
 * the primary's disk fills until the slot is dropped or its consumer returns.
 */
export const REPLICATION_SLOTS_SQL = `
  select
    slot_name,
    slot_type,
    database,
    active,
    active_pid,
    wal_status,
    restart_lsn::text as restart_lsn,
    pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 as retained_bytes
  from pg_replication_slots
  order by slot_name`;

/**
 * A replica's own account of its recovery. Healthy: WAL receiver 'streaming',
 * received-not-replayed bytes near 0, replay 'not paused', the last message
 * from the primary within wal_receiver_status_interval. The age of the last
 * replayed commit is not lag by itself (it grows on an idle primary); it only
 * counts when WAL is pending (see lib/monitor/lag.ts). The pause-state call
 * is guarded: on a promoted node it would raise instead of answering.
 */
export const REPLICA_SELF_SQL = `
  select
    pg_last_wal_receive_lsn()::text as receive_lsn,
    pg_last_wal_replay_lsn()::text as replay_lsn,
    pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as received_not_replayed_bytes,
    case when pg_is_in_recovery() then pg_get_wal_replay_pause_state() else 'not in recovery' end as replay_pause_state,
    pg_last_xact_replay_timestamp() as last_replay_at,
    extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as last_replay_age_seconds,
    receiver.status as wal_receiver_status,
    receiver.last_msg_receipt_time
  from (select 1) as one
  left join pg_stat_wal_receiver as receiver on true`;

/**
 * One shard round trip serves every request within this window: the panel
 * polls every 5 s, and ten open browsers (plus the read-target API, which reads
 * the same snapshot) cost the shard one round trip.
 */
export const SHARD_REPLICATION_TTL_MS = 1000;

const replicationFlight = new SharedFlight<ShardReplication>('shard-replication', SHARD_REPLICATION_TTL_MS);

async function probePrimary(node: NodeConfig): Promise<PrimaryProbe> {
  try {
    const [[position], standbys, slots] = await Promise.all([
      queryNode<{ current_lsn: string }>(node, PRIMARY_CURRENT_LSN_SQL),
      queryNode<StandbyRow>(node, STANDBYS_FROM_PRIMARY_SQL),
      queryNode<SlotRow>(node, REPLICATION_SLOTS_SQL),
    ]);
    return { up: true, currentLsn: position.current_lsn, standbys, slots };
  } catch (error) {
    return { up: false, error: describeNodeError(error) };
  }
}

async function probeReplica(node: NodeConfig): Promise<ReplicaProbe> {
  try {
    const [self] = await queryNode<ReplicaSelfRow>(node, REPLICA_SELF_SQL);
    return { up: true, self };
  } catch (error) {
    return { up: false, error: describeNodeError(error) };
  }
}

/** One uncoalesced read of every node of the shard. */
export async function collectShardReplication(shard: ShardConfig): Promise<ShardReplication> {
  const primaryNode = primaryOf(shard);
  const replicaNodes = shard.nodes.filter((node) => node.role === 'replica');
  const [primary, ...replicaProbes] = await Promise.all([probePrimary(primaryNode), ...replicaNodes.map(probeReplica)]);
  return assembleShardReplication({
    shard,
    primaryNodeId: primaryNode.id,
    primary,
    replicas: new Map(replicaNodes.map((node, index) => [node.id, replicaProbes[index]])),
    thresholds: { seconds: REPLICA_LAG_THRESHOLD_SECONDS, bytes: REPLICA_LAG_THRESHOLD_BYTES },
    generatedAt: new Date().toISOString(),
  });
}

/** The shard's replication, coalesced per shard across web instances: concurrent and near-simultaneous callers share one round trip. */
export function getShardReplication(shard: ShardConfig): Promise<ShardReplication> {
  return replicationFlight.run(shard.id, () => collectShardReplication(shard));
}
