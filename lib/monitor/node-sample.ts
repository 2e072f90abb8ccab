import type { NodeConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError, queryNode } from '@/lib/fleet/node-pools';

/**
 * The worker's per-node reading: one statement, one round trip per node per
 * interval (primaries add a small second one, STATEMENT_TOTALS_SQL; each is
 * bounded by the node timeout). Counters are read as cumulative values
 * (rates are derived between samples in lib/history/metrics.ts); gauges as
 * they are now.
 *
 * The leading comment marks the sampler's own statements, so its cost on a
 * monitored node can be read from pg_stat_statements (bench/worker-sampling.ts).
 */
export const SAMPLER_MARKER = 'shardscope:sampler';

/**
 * $1 = the sampling interval in seconds (for tenant active time).
 *
 * - connections by state against max_connections minus the superuser reserve
 *   (healthy: well under 80 %; past 100 % ordinary roles are refused);
 * - pg_stat_database summed over the server's databases: commits, rollbacks,
 *   block hits/reads (cache hit ratio: healthy ≥ 99 % for OLTP, alert < 90 %),
 *   tuples, temp bytes (healthy: near 0; sorts and hashes spilling to disk),
 *   deadlocks (healthy: 0);
 * - size of the node's database;
 * - WAL positions for replica lag (same math as the overview: lib/monitor/lag.ts);
 * - replication slots: WAL retained from restart_lsn (an inactive slot that
 *   retains more and more WAL fills the disk);
 * - pg_stat_archiver: archived and failed counts (healthy: failed stays flat);
 * - per tenant (application_name = tenant:<uuid>): sessions, and active
 *   sessions × interval as active seconds (sampled like Oracle ASH: unbiased
 *   over many samples, no per-query bookkeeping).
 */
export const NODE_SAMPLE_SQL = `/* ${SAMPLER_MARKER} */
  with activity as materialized (
    select state, wait_event_type, application_name, state_change
    from pg_stat_activity
    where backend_type = 'client backend'
      and pid <> pg_backend_pid()
  ),
  databases as (
    select
      sum(xact_commit)::float8 as xact_commit,
      sum(xact_rollback)::float8 as xact_rollback,
      sum(blks_hit)::float8 as blks_hit,
      sum(blks_read)::float8 as blks_read,
      sum(tup_returned)::float8 as tup_returned,
      sum(tup_fetched)::float8 as tup_fetched,
      sum(tup_inserted)::float8 as tup_inserted,
      sum(tup_updated)::float8 as tup_updated,
      sum(tup_deleted)::float8 as tup_deleted,
      sum(temp_bytes)::float8 as temp_bytes,
      sum(temp_files)::float8 as temp_files,
      sum(deadlocks)::float8 as deadlocks
    from pg_stat_database
  ),
  tenants as (
    select
      substr(application_name, 8) as tenant_id,
      count(*)::int as sessions,
      count(*) filter (where state = 'active')::int as active_sessions
    from activity
    where application_name ~ '^tenant:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    group by 1
  )
  select
    clock_timestamp() as measured_at,
    pg_is_in_recovery() as in_recovery,
    current_setting('max_connections')::int as max_connections,
    current_setting('superuser_reserved_connections')::int as reserved_connections,
    (select count(*)::int from activity) as connections_total,
    (select count(*)::int from activity where state = 'active') as connections_active,
    (select count(*)::int from activity where state = 'idle') as connections_idle,
    (select count(*)::int from activity where state in ('idle in transaction', 'idle in transaction (aborted)')) as connections_idle_in_transaction,
    (select count(*)::int from activity where wait_event_type = 'Lock') as connections_waiting_on_lock,
    (select coalesce(max(extract(epoch from clock_timestamp() - state_change)), 0)::float8
       from activity where state in ('idle in transaction', 'idle in transaction (aborted)')) as longest_idle_in_transaction_seconds,
    (select row_to_json(databases) from databases) as database_counters,
    pg_database_size(current_database())::float8 as db_size_bytes,
    case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as current_lsn,
    case when pg_is_in_recovery() then pg_last_wal_replay_lsn()::text end as replay_lsn,
    case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as replay_paused,
    case when pg_is_in_recovery() then extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as last_replay_age_seconds,
    (select coalesce(json_agg(json_build_object(
        'applicationName', application_name,
        'state', state,
        'replayLsn', replay_lsn::text,
        'replayLagSeconds', extract(epoch from replay_lag)::float8)), '[]'::json)
       from pg_stat_replication) as standbys,
    (select count(*)::int from pg_replication_slots) as slots,
    (select max(pg_wal_lsn_diff(
        case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end, restart_lsn))::float8
       from pg_replication_slots) as slot_retained_bytes,
    (select max(pg_wal_lsn_diff(
        case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end, restart_lsn))::float8
       from pg_replication_slots where not active) as inactive_slot_retained_bytes,
    (select archived_count from pg_stat_archiver)::float8 as archived_count,
    (select failed_count from pg_stat_archiver)::float8 as archive_failed_count,
    (select extract(epoch from last_failed_time)::float8 from pg_stat_archiver) as archive_last_failed_at,
    (select coalesce(json_agg(json_build_object(
        'tenantId', tenant_id,
        'sessions', sessions,
        'activeSeconds', active_sessions * $1::float8)), '[]'::json)
       from tenants) as tenants`;

/**
 * Primaries only, a second small statement after NODE_SAMPLE_SQL: every
 * top-level statement's calls and execution time in pg_stat_statements,
 * summed over the server (cumulative; the mean statement time is Δ time / Δ
 * calls, lib/history/metrics.ts). The monitoring role's own statements (the
 * sampler, the console's live reads) are left out: the figure is the
 * applications'. showtext false: counters only, the query-text file is not
 * read. Healthy: a mean of a few ms for OLTP; the alert default warns past
 * 100 ms.
 *
 * Separate from NODE_SAMPLE_SQL because pg_stat_statements may be missing on
 * a node (extension not created, library not preloaded): then this one fails
 * and the two values are null, while the node's sample stands.
 */
export const STATEMENT_TOTALS_SQL = `/* ${SAMPLER_MARKER} */
  select
    coalesce(sum(calls), 0)::float8 as statements_calls,
    coalesce(sum(total_exec_time), 0)::float8 as statements_exec_ms
  from pg_stat_statements(false)
  where toplevel
    and userid <> (select oid from pg_roles where rolname = current_user)`;

interface StatementTotalsRow {
  statements_calls: number;
  statements_exec_ms: number;
}

const NO_STATEMENT_TOTALS = { statements_calls: null, statements_exec_ms: null };

/** Never throws: a node without pg_stat_statements (or one that stopped answering since) gives nulls. */
async function readStatementTotals(node: NodeConfig): Promise<{ statements_calls: number | null; statements_exec_ms: number | null }> {
  try {
    const [row] = await queryNode<StatementTotalsRow>(node, STATEMENT_TOTALS_SQL);
    return row ? { statements_calls: row.statements_calls, statements_exec_ms: row.statements_exec_ms } : NO_STATEMENT_TOTALS;
  } catch {
    return NO_STATEMENT_TOTALS;
  }
}

export interface StandbyReading {
  applicationName: string;
  state: string;
  replayLsn: string | null;
  replayLagSeconds: number | null;
}

export interface TenantReading {
  tenantId: string;
  sessions: number;
  activeSeconds: number;
}

interface NodeSampleRow {
  measured_at: Date;
  in_recovery: boolean;
  max_connections: number;
  reserved_connections: number;
  connections_total: number;
  connections_active: number;
  connections_idle: number;
  connections_idle_in_transaction: number;
  connections_waiting_on_lock: number;
  longest_idle_in_transaction_seconds: number;
  database_counters: Record<string, number | null>;
  db_size_bytes: number;
  current_lsn: string | null;
  replay_lsn: string | null;
  replay_paused: boolean | null;
  last_replay_age_seconds: number | null;
  standbys: StandbyReading[];
  slots: number;
  slot_retained_bytes: number | null;
  inactive_slot_retained_bytes: number | null;
  archived_count: number | null;
  archive_failed_count: number | null;
  archive_last_failed_at: number | null;
  tenants: TenantReading[];
}

export interface NodeReading {
  measuredAt: Date;
  inRecovery: boolean;
  /** Gauges and cumulative counters, stored as the sample's `v` (keys named in lib/history/metrics.ts). */
  values: Record<string, number | boolean | null>;
  currentLsn: string | null;
  replayLsn: string | null;
  replayPaused: boolean | null;
  lastReplayAgeSeconds: number | null;
  standbys: StandbyReading[];
  tenants: TenantReading[];
}

export type NodeSampleResult = { up: true; reading: NodeReading } | { up: false; error: string };

/** Never throws: a node that does not answer within the node timeout is down, with the reason. */
export async function readNodeSample(node: NodeConfig, intervalSeconds: number): Promise<NodeSampleResult> {
  try {
    const [row] = await queryNode<NodeSampleRow>(node, NODE_SAMPLE_SQL, [intervalSeconds]);
    // One connection at a time (the worker never holds two of a node's few), and only once the node has answered.
    const statementTotals = node.role === 'primary' ? await readStatementTotals(node) : {};
    return {
      up: true,
      reading: {
        measuredAt: row.measured_at,
        inRecovery: row.in_recovery,
        values: {
          in_recovery: row.in_recovery,
          max_connections: row.max_connections,
          reserved_connections: row.reserved_connections,
          connections_total: row.connections_total,
          connections_active: row.connections_active,
          connections_idle: row.connections_idle,
          connections_idle_in_transaction: row.connections_idle_in_transaction,
          connections_waiting_on_lock: row.connections_waiting_on_lock,
          longest_idle_in_transaction_seconds: row.longest_idle_in_transaction_seconds,
          ...row.database_counters,
          db_size_bytes: row.db_size_bytes,
          slots: row.slots,
          slot_retained_bytes: row.slot_retained_bytes,
          inactive_slot_retained_bytes: row.inactive_slot_retained_bytes,
          archived_count: row.archived_count,
          archive_failed_count: row.archive_failed_count,
          archive_last_failed_at: row.archive_last_failed_at,
          ...statementTotals,
        },
        currentLsn: row.current_lsn,
        replayLsn: row.replay_lsn,
        replayPaused: row.replay_paused,
        lastReplayAgeSeconds: row.last_replay_age_seconds,
        standbys: row.standbys,
        tenants: row.tenants,
      },
    };
  } catch (error) {
    return { up: false, error: describeNodeError(error) };
  }
}
