import type PgBoss from 'pg-boss';
import pg from 'pg';
import { withControlTransaction } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { QUEUES } from '@/lib/jobs/queues';
import { finishRuns } from './move-runs';
import { MOVE_LOCK_NAMESPACE } from './move-runner';

/**
 * Queued moves onto the worker. The web process has no pg-boss: the API only
 * writes queued tenant_moves rows, and every worker sweeps them every few
 * seconds, sending a move-tenant job for each move it may start.
 *
 * Concurrency per shard (the default): at most 1 move out of and 1
 * move into each shard at a time. A queued move starts only when no other
 * move holds its source's "out" or its target's "in" — moves running, and
 * queued moves whose first job is already waiting or running (sent but not
 * yet marked running). Queued moves are considered oldest first, so a
 * blocked move keeps its turn.
 *
 * Never doubled: the first job of a move has the move's id as its job id
 * (pg-boss inserts it at most once), and sweeps are serialised across workers
 * by a transaction-scoped advisory lock (a worker that does not get it skips
 * that sweep).
 *
 * Resumed: a running move nobody runs (its worker was killed: no runner holds
 * the move's advisory lock, and no job of it waits to run or to be retried)
 * gets a new job at once, instead of waiting minutes for pg-boss to expire
 * the dead worker's job. The runner resumes it from its checkpoint. A job too
 * many (a runner between two slices, say) is harmless: it finds the move busy
 * (MoveBusyError, retried) or finished.
 */

/** How often each worker sweeps. */
export const MOVE_SWEEP_INTERVAL_MS = 3_000;
/** At most 1 move out of and 1 into a shard at a time. */
export const MOVES_PER_SHARD_DIRECTION = 1;

const SWEEP_LOCK_SQL = `select pg_try_advisory_xact_lock(1307012, 0) as locked`;


const LIVE_MOVES_SQL = `
  select id, source_shard_id, target_shard_id, status
  from tenant_moves
  where status in ('queued', 'running')
  order by created_at, id`;

/**
 * Whether a runner holds the move now. pg_locks shows an advisory lock taken
 * with two int4 keys as classid (the first), objid (the second, as an
 * unsigned oid: a negative hashtext wraps) and objsubid 2.
 */
const RUNNER_HOLDS_MOVE_SQL = `
  select exists (
    select 1
    from pg_locks
    where locktype = 'advisory'
      and database = (select oid from pg_database where datname = current_database())
      and classid = $1
      and objid = hashtext($2::text)::oid
      and objsubid = 2
      and granted
  ) as held`;

/** A job of the move waiting to run or to be retried (pg-boss's job table, partitioned by queue name): a worker will take the move up. */
const waitingMoveJobSql = (jobsSchema: string) => `
  select exists (
    select 1
    from ${pg.escapeIdentifier(jobsSchema)}.job
    where name = $1
      and state in ('created', 'retry')
      and data->>'moveId' = $2
  ) as waiting`;

export interface LiveMove {
  id: string;
  sourceShardId: string;
  targetShardId: string;
  status: 'queued' | 'running';
  /**
   * Queued moves: a job for it is waiting or running already. Running moves:
   * a runner holds it, or a job of it waits to run or to be retried.
   */
  dispatched: boolean;
}

/**
 * Of the queued, undispatched moves (oldest first), those that may start now
 * without a shard exceeding `perShard` moves out or in. Pure.
 */
export function startableMoves(live: readonly LiveMove[], perShard = MOVES_PER_SHARD_DIRECTION): LiveMove[] {
  const out = new Map<string, number>();
  const into = new Map<string, number>();
  const take = (move: LiveMove) => {
    out.set(move.sourceShardId, (out.get(move.sourceShardId) ?? 0) + 1);
    into.set(move.targetShardId, (into.get(move.targetShardId) ?? 0) + 1);
  };
  for (const move of live) if (move.status === 'running' || move.dispatched) take(move);
  const startable: LiveMove[] = [];
  for (const move of live) {
    if (move.status !== 'queued' || move.dispatched) continue;
    if ((out.get(move.sourceShardId) ?? 0) >= perShard || (into.get(move.targetShardId) ?? 0) >= perShard) continue;
    take(move);
    startable.push(move);
  }
  return startable;
}

/** Running moves nobody runs and no job will run: their worker died mid-move. Pure. */
export function orphanedMoves(live: readonly LiveMove[]): LiveMove[] {
  return live.filter((move) => move.status === 'running' && !move.dispatched);
}

const LIVE_JOB_STATES = new Set(['created', 'retry', 'active']);

export interface SweepResult {
  /** Moves a job was sent for in this sweep. */
  started: string[];
  /** Running moves whose worker was gone: a job was sent to resume them from their checkpoint. */
  resumed: string[];
  /** Runs closed because their last move finished. */
  finishedRuns: string[];
  /** False when another worker was sweeping. */
  swept: boolean;
}

async function moveIsRunOrWaiting(client: pg.PoolClient, moveId: string, jobsSchema: string): Promise<boolean> {
  if ((await client.query<{ held: boolean }>(RUNNER_HOLDS_MOVE_SQL, [MOVE_LOCK_NAMESPACE, moveId])).rows[0].held) return true;
  return (await client.query<{ waiting: boolean }>(waitingMoveJobSql(jobsSchema), [QUEUES.moveTenant, moveId])).rows[0].waiting;
}

/**
 * One sweep: jobs for the queued moves that may start and for the running
 * moves whose worker is gone, and runs whose moves have all finished closed.
 * `jobsSchema`: the schema of `boss` (the worker's SHARDSCOPE_JOBS_SCHEMA).
 */
export async function sweepQueuedMoves(boss: PgBoss, jobsSchema: string = getFleetEnv().SHARDSCOPE_JOBS_SCHEMA): Promise<SweepResult> {
  return withControlTransaction(async (client: pg.PoolClient) => {
    if (!(await client.query<{ locked: boolean }>(SWEEP_LOCK_SQL)).rows[0].locked) return { started: [], resumed: [], finishedRuns: [], swept: false };
    const rows = (await client.query<{ id: string; source_shard_id: string; target_shard_id: string; status: 'queued' | 'running' }>(LIVE_MOVES_SQL)).rows;
    const jobStates = new Map<string, string | null>();
    const live: LiveMove[] = [];
    for (const row of rows) {
      let dispatched = false;
      if (row.status === 'queued') {
        const job = await boss.getJobById(QUEUES.moveTenant, row.id);
        jobStates.set(row.id, job?.state ?? null);
        dispatched = job !== null && LIVE_JOB_STATES.has(job.state);
      } else {
        dispatched = await moveIsRunOrWaiting(client, row.id, jobsSchema);
      }
      live.push({ id: row.id, sourceShardId: row.source_shard_id, targetShardId: row.target_shard_id, status: row.status, dispatched });
    }
    const started: string[] = [];
    for (const move of startableMoves(live)) {
      // A first job that ended while its move stayed queued (retries used up) would block the id: send a fresh one.
      const options = jobStates.get(move.id) === null ? { id: move.id } : {};
      if ((await boss.send(QUEUES.moveTenant, { moveId: move.id }, options)) !== null) started.push(move.id);
    }
    const resumed: string[] = [];
    for (const move of orphanedMoves(live)) {
      if ((await boss.send(QUEUES.moveTenant, { moveId: move.id })) !== null) resumed.push(move.id);
    }
    return { started, resumed, finishedRuns: await finishRuns(client), swept: true };
  });
}
