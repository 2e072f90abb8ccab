import type { NodeConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError, queryNode } from '@/lib/fleet/node-pools';

/**
 * Per-node vitals for the fleet overview: one round trip per node.
 */

/**
 * Role, version, connection headroom and WAL positions in one statement.
 * Healthy: connections_used well under max_connections - superuser_reserved_connections
 * (past that, ordinary roles are refused); on a replica, receive and replay LSNs
 * close together and replay not paused.
 */
export const NODE_VITALS_SQL = `
  select
    current_setting('server_version') as server_version,
    pg_is_in_recovery() as in_recovery,
    current_setting('max_connections')::int as max_connections,
    current_setting('superuser_reserved_connections')::int as reserved_connections,
    (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as connections_used,
    case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as current_lsn,
    case when pg_is_in_recovery() then pg_last_wal_receive_lsn()::text end as receive_lsn,
    case when pg_is_in_recovery() then pg_last_wal_replay_lsn()::text end as replay_lsn,
    case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as replay_paused,
    case when pg_is_in_recovery() then extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as last_replay_age_seconds,
    case when pg_is_in_recovery() then (select status from pg_stat_wal_receiver limit 1) end as wal_receiver_status`;

/**
 * Standbys as the primary sees them. replay_lag is the primary's own measure of
 * flush → replay acknowledgement; it goes NULL when a caught-up standby idles.
 * Standbys are matched to fleet nodes by application_name, which defaults to
 * the standby's cluster_name (the sandbox sets it to the node id).
 */
export const PRIMARY_STANDBYS_SQL = `
  select
    application_name,
    state,
    sync_state,
    replay_lsn::text as replay_lsn,
    extract(epoch from replay_lag)::float8 as replay_lag_seconds
  from pg_stat_replication`;

export interface StandbyAsSeenByPrimary {
  applicationName: string;
  state: string;
  syncState: string;
  replayLsn: string | null;
  replayLagSeconds: number | null;
}

export interface NodeVitals {
  serverVersion: string;
  inRecovery: boolean;
  maxConnections: number;
  reservedConnections: number;
  connectionsUsed: number;
  currentLsn: string | null;
  receiveLsn: string | null;
  replayLsn: string | null;
  replayPaused: boolean | null;
  lastReplayAgeSeconds: number | null;
  walReceiverStatus: string | null;
  /** Only on a primary. */
  standbys: StandbyAsSeenByPrimary[];
}

export type NodeProbe =
  | { up: true; latencyMs: number; vitals: NodeVitals }
  | { up: false; latencyMs: number; error: string };

interface VitalsRow {
  server_version: string;
  in_recovery: boolean;
  max_connections: number;
  reserved_connections: number;
  connections_used: number;
  current_lsn: string | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  replay_paused: boolean | null;
  last_replay_age_seconds: number | null;
  wal_receiver_status: string | null;
}

interface StandbyRow {
  application_name: string;
  state: string;
  sync_state: string;
  replay_lsn: string | null;
  replay_lag_seconds: number | null;
}

/** Never throws: a node that cannot answer within the timeout is reported down with the reason. */
export async function probeNode(node: NodeConfig): Promise<NodeProbe> {
  const started = performance.now();
  try {
    const [row] = await queryNode<VitalsRow>(node, NODE_VITALS_SQL);
    const standbys = row.in_recovery ? [] : await queryNode<StandbyRow>(node, PRIMARY_STANDBYS_SQL);
    return {
      up: true,
      latencyMs: Math.round(performance.now() - started),
      vitals: {
        serverVersion: row.server_version,
        inRecovery: row.in_recovery,
        maxConnections: row.max_connections,
        reservedConnections: row.reserved_connections,
        connectionsUsed: row.connections_used,
        currentLsn: row.current_lsn,
        receiveLsn: row.receive_lsn,
        replayLsn: row.replay_lsn,
        replayPaused: row.replay_paused,
        lastReplayAgeSeconds: row.last_replay_age_seconds,
        walReceiverStatus: row.wal_receiver_status,
        standbys: standbys.map((standby) => ({
          applicationName: standby.application_name,
          state: standby.state,
          syncState: standby.sync_state,
          replayLsn: standby.replay_lsn,
          replayLagSeconds: standby.replay_lag_seconds,
        })),
      },
    };
  } catch (error) {
    return { up: false, latencyMs: Math.round(performance.now() - started), error: describeNodeError(error) };
  }
}
