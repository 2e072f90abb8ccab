import type PgBoss from 'pg-boss';
import { MOVE_SLICE_SECONDS, moveJobSchema, QUEUES } from '@/lib/jobs/queues';
import { runMoveJanitor } from '@/lib/rebalance/move-janitor';
import { runMove } from '@/lib/rebalance/move-runner';
import { MOVE_SWEEP_INTERVAL_MS, sweepQueuedMoves } from '@/lib/rebalance/move-sweep';
import type { WorkerStats } from './worker-stats';

/**
 * Tenant moves on the worker: one move-tenant job runs a move for a slice
 * (MOVE_SLICE_SECONDS) from its checkpoint; a move not finished by then is
 * queued again. A job of a move another worker is running fails
 * (MoveBusyError) and is retried later; a job of a finished move does nothing.
 */

/** Moves run at once per worker: each holds replication slots and a stream of the shards' I/O; more workers run more moves. */
export const MOVE_LOOPS = 1;

/** Queues (another slice of) a move. */
export async function queueMoveJob(boss: PgBoss, moveId: string): Promise<string | null> {
  return boss.send(QUEUES.moveTenant, { moveId });
}

export function moveTenantHandler(boss: PgBoss, stats: WorkerStats) {
  return async (job: PgBoss.Job<unknown>) => {
    const { moveId } = moveJobSchema.parse(job.data);
    const started = performance.now();
    const outcome = await runMove(moveId, {
      sliceEndsAt: Date.now() + MOVE_SLICE_SECONDS * 1000,
      onPhase: (phase) => console.log(`[worker] move ${moveId}: ${phase} done`),
    });
    if (outcome.yielded) await queueMoveJob(boss, moveId);
    stats.jobDone(performance.now() - started);
    return outcome;
  };
}

/**
 * Queued moves (written by the API, which has no pg-boss) onto this worker's
 * queue: a sweep every few seconds (lib/rebalance/move-sweep.ts: per-shard
 * concurrency, never a doubled job). One sweep at a time in this process.
 */
export function startMoveSweep(boss: PgBoss, onError: (error: unknown) => void, intervalMs = MOVE_SWEEP_INTERVAL_MS): NodeJS.Timeout {
  let sweeping = false;
  return setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepQueuedMoves(boss)
      .then((result) => {
        for (const moveId of result.started) console.log(`[worker] move ${moveId}: job sent`);
        for (const runId of result.finishedRuns) console.log(`[worker] rebalance run ${runId}: finished`);
      })
      .catch(onError)
      .finally(() => (sweeping = false));
  }, intervalMs);
}

/** The move janitor (a cron job every minute): orphaned replication objects dropped, each drop logged; a shard that is down is reported, not fatal. */
export function moveJanitorHandler(stats: WorkerStats) {
  return async () => {
    const started = performance.now();
    const report = await runMoveJanitor();
    for (const drop of report.dropped) console.log(`[worker] move janitor: dropped ${drop.kind} ${drop.name} on ${drop.shardId} (move ${drop.moveId})`);
    for (const shard of report.shards) if (shard.error) console.warn(`[worker] move janitor: ${shard.shardId}: ${shard.error}`);
    stats.jobDone(performance.now() - started);
    return report;
  };
}
