import type PgBoss from 'pg-boss';
import type pg from 'pg';
import { withControlTransaction } from '@/lib/control/db';
import { QUEUES } from '@/lib/jobs/queues';
import { finishRuns } from './move-runs';

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
 * that sweep). Running moves whose job vanished are the runner's business
 * (pg-boss retries an expired job), not the sweep's.
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

export interface LiveMove {
  id: string;
  sourceShardId: string;
  targetShardId: string;
  status: 'queued' | 'running';
  /** Queued moves: whether a job for it is waiting or running already. */
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

const LIVE_JOB_STATES = new Set(['created', 'retry', 'active']);

export interface SweepResult {
  /** Moves a job was sent for in this sweep. */
  started: string[];
  /** Runs closed because their last move finished. */
  finishedRuns: string[];
  /** False when another worker was sweeping. */
  swept: boolean;
}

/** One sweep: jobs for the queued moves that may start, and runs whose moves have all finished closed. */
export async function sweepQueuedMoves(boss: PgBoss): Promise<SweepResult> {
  return withControlTransaction(async (client: pg.PoolClient) => {
    if (!(await client.query<{ locked: boolean }>(SWEEP_LOCK_SQL)).rows[0].locked) return { started: [], finishedRuns: [], swept: false };
    const rows = (await client.query<{ id: string; source_shard_id: string; target_shard_id: string; status: 'queued' | 'running' }>(LIVE_MOVES_SQL)).rows;
    const jobStates = new Map<string, string | null>();
    const live: LiveMove[] = [];
    for (const row of rows) {
      let dispatched = false;
      if (row.status === 'queued') {
        const job = await boss.getJobById(QUEUES.moveTenant, row.id);
        jobStates.set(row.id, job?.state ?? null);
        dispatched = job !== null && LIVE_JOB_STATES.has(job.state);
      }
      live.push({ id: row.id, sourceShardId: row.source_shard_id, targetShardId: row.target_shard_id, status: row.status, dispatched });
    }
    const started: string[] = [];
    for (const move of startableMoves(live)) {
      // A first job that ended while its move stayed queued (retries used up) would block the id: send a fresh one.
      const options = jobStates.get(move.id) === null ? { id: move.id } : {};
      if ((await boss.send(QUEUES.moveTenant, { moveId: move.id }, options)) !== null) started.push(move.id);
    }
    return { started, finishedRuns: await finishRuns(client), swept: true };
  });
}
