import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME, describeNodeError, queryNode } from '@/lib/fleet/node-pools';
import { SharedFlight } from '@/lib/fleet/shared-flight';
import { getTenantNames } from '@/lib/tenants/directory';
import { assembleNodeActivity, parseTenantId, type NodeActivityReading, type WaitingLock } from './activity-model';
import {
  COUNT_BY_LIMIT,
  IDLE_IN_TRANSACTION_SECONDS,
  LONG_QUERY_SECONDS,
  QUERY_PREVIEW_CHARS,
  SESSION_LIST_LIMIT,
  TOP_TENANTS_LIMIT,
} from './activity-thresholds';
import type { NodeActivity, SessionSummary, ShardActivity } from './activity-types';

/**
 * Live sessions, lock waits and blocking of every node of one shard: three
 * short statements per node, all nodes in parallel, coalesced per shard.
 */

/**
 * Connection headroom. Ordinary roles are refused once client backends reach
 * max_connections - superuser_reserved_connections; healthy is well below that.
 */
export const CONNECTION_LIMITS_SQL = `
  select
    current_setting('max_connections')::int as max_connections,
    current_setting('superuser_reserved_connections')::int as reserved_connections`;

/**
 * Every client session but the collector's own: who, where from, in which
 * state, waiting on what, and for how long (ages from clock_timestamp(), not the
 * transaction's frozen now()). backend_start is exact (microseconds, numeric):
 * with the pid it names one backend even after the pid is reused.
 *
 * pg_blocking_pids() takes the lock manager's partition locks, so it is only
 * called where it can return something: sessions waiting on a heavyweight lock
 * ('Lock'), and parallel-query leaders waiting on workers that wait on one
 * ('IPC'). Healthy: few sessions 'active', none waiting on 'Lock' for long, no
 * 'idle in transaction' older than a few seconds.
 */
export const SESSIONS_SQL = `
  select
    pid,
    extract(epoch from backend_start)::numeric::text as backend_start,
    usename as user_name,
    datname as database_name,
    application_name,
    client_addr::text as client_addr,
    state,
    wait_event_type,
    wait_event,
    extract(epoch from clock_timestamp() - query_start)::float8 as query_age_seconds,
    extract(epoch from clock_timestamp() - xact_start)::float8 as transaction_age_seconds,
    extract(epoch from clock_timestamp() - state_change)::float8 as state_age_seconds,
    left(query, $1) as query_preview,
    length(query) > $1 as query_truncated,
    case when wait_event_type in ('Lock', 'IPC') then pg_blocking_pids(pid) else '{}'::int[] end as blocked_by
  from pg_stat_activity
  where backend_type = 'client backend'
    and pid <> pg_backend_pid()
  order by pid`;

/**
 * Locks requested and not yet granted: what each waiting session waits for and
 * since when (waitstart, Postgres 14+). Relation names resolve only in the
 * database the console is connected to; elsewhere they stay null. Healthy: empty,
 * or waits well under a second.
 */
export const WAITING_LOCKS_SQL = `
  select
    l.pid,
    l.locktype,
    l.mode,
    case when l.database = (select oid from pg_database where datname = current_database()) then l.relation::regclass::text end as relation,
    extract(epoch from clock_timestamp() - l.waitstart)::float8 as waiting_seconds
  from pg_locks l
  where not l.granted
  order by l.pid`;

/**
 * One reading per shard serves every request within this window: the page
 * polls every 3 s, and ten open pages then cost one round trip per node.
 */
export const SHARD_ACTIVITY_TTL_MS = 1000;

interface ConnectionLimitsRow {
  max_connections: number;
  reserved_connections: number;
}

interface SessionRow {
  pid: number;
  backend_start: string;
  user_name: string | null;
  database_name: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query_age_seconds: number | null;
  transaction_age_seconds: number | null;
  state_age_seconds: number | null;
  query_preview: string | null;
  query_truncated: boolean | null;
  blocked_by: number[] | null;
}

interface WaitingLockRow {
  pid: number;
  locktype: string;
  mode: string;
  relation: string | null;
  waiting_seconds: number | null;
}

function toSessionSummary(row: SessionRow): SessionSummary {
  const applicationName = row.application_name ?? '';
  return {
    pid: row.pid,
    backendStart: row.backend_start,
    user: row.user_name,
    database: row.database_name,
    applicationName,
    clientAddr: row.client_addr,
    state: row.state,
    waitEventType: row.wait_event_type,
    waitEvent: row.wait_event,
    queryAgeSeconds: row.query_age_seconds,
    transactionAgeSeconds: row.transaction_age_seconds,
    stateAgeSeconds: row.state_age_seconds,
    queryPreview: row.query_preview ?? '',
    queryTruncated: row.query_truncated ?? false,
    tenantId: parseTenantId(applicationName),
    blockedBy: row.blocked_by ?? [],
    isConsole: applicationName === CONSOLE_APPLICATION_NAME,
  };
}

type NodeReading = { up: true; reading: NodeActivityReading } | { up: false; error: string };

/** Never throws: a node that cannot answer is reported down with the reason. */
async function readNodeActivity(node: NodeConfig): Promise<NodeReading> {
  try {
    // One statement at a time: a reading holds at most one of the node's few console connections.
    const [limits] = await queryNode<ConnectionLimitsRow>(node, CONNECTION_LIMITS_SQL);
    const sessions = await queryNode<SessionRow>(node, SESSIONS_SQL, [QUERY_PREVIEW_CHARS]);
    const locks = await queryNode<WaitingLockRow>(node, WAITING_LOCKS_SQL);
    return {
      up: true,
      reading: {
        maxConnections: limits.max_connections,
        reservedConnections: limits.reserved_connections,
        sessions: sessions.map(toSessionSummary),
        waitingLocks: locks.map(
          (lock): WaitingLock => ({ pid: lock.pid, lockType: lock.locktype, mode: lock.mode, relation: lock.relation, waitingSeconds: lock.waiting_seconds }),
        ),
      },
    };
  } catch (error) {
    return { up: false, error: describeNodeError(error) };
  }
}

/**
 * One uncoalesced reading of every node of the shard. `idleInTransactionSeconds`
 * lowers the idle-in-transaction list's threshold (an alert's context lists an
 * offender the moment a lower alert threshold fired on it).
 */
export async function collectShardActivity(shard: ShardConfig, options: { idleInTransactionSeconds?: number } = {}): Promise<ShardActivity> {
  const readings = await Promise.all(shard.nodes.map(readNodeActivity));
  const tenantIds = readings.flatMap((reading) => (reading.up ? reading.reading.sessions.flatMap((session) => session.tenantId ?? []) : []));
  const tenantNames = await getTenantNames(tenantIds);
  const limits = {
    longQuerySeconds: LONG_QUERY_SECONDS,
    idleInTransactionSeconds: options.idleInTransactionSeconds ?? IDLE_IN_TRANSACTION_SECONDS,
    sessionListLimit: SESSION_LIST_LIMIT,
    countByLimit: COUNT_BY_LIMIT,
    topTenantsLimit: TOP_TENANTS_LIMIT,
  };
  return {
    shardId: shard.id,
    generatedAt: new Date().toISOString(),
    thresholds: { longQuerySeconds: LONG_QUERY_SECONDS, idleInTransactionSeconds: IDLE_IN_TRANSACTION_SECONDS },
    nodes: shard.nodes.map((node, index): NodeActivity => {
      const reading = readings[index];
      return reading.up
        ? assembleNodeActivity(node, reading.reading, tenantNames, limits)
        : { nodeId: node.id, role: node.role, up: false, error: reading.error };
    }),
  };
}

const activityFlight = new SharedFlight<ShardActivity>('shard-activity', SHARD_ACTIVITY_TTL_MS);

/** The shard's live activity, coalesced across web instances: concurrent and near-simultaneous callers share one reading. */
export function getShardActivity(shard: ShardConfig): Promise<ShardActivity> {
  return activityFlight.run(shard.id, () => collectShardActivity(shard));
}
