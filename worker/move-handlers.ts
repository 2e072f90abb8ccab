import type PgBoss from 'pg-boss';
import { z } from 'zod';
import { getFleetEnv } from '@/lib/env';
import { MOVE_SLICE_SECONDS, moveJobSchema, QUEUES } from '@/lib/jobs/queues';
import { runMoveJanitor } from '@/lib/rebalance/move-janitor';
import { FORWARD_PHASES, type MovePhase } from '@/lib/rebalance/move-model';
import { MoveBusyError, runMove, type RunMoveOptions } from '@/lib/rebalance/move-runner';
import { MOVE_SWEEP_INTERVAL_MS, sweepQueuedMoves } from '@/lib/rebalance/move-sweep';
import type { WorkerStats } from './worker-stats';

/**
 * Tenant moves on the worker: one move-tenant job runs a move for a slice
 * (MOVE_SLICE_SECONDS) from its checkpoint; a move not finished by then is
 * queued again. A job of a move another worker is running ends at once
 * (the sweep resumes a move whose runner died); a job of a finished move
 * does nothing.
 */

/** Moves run at once per worker: each holds replication slots and a stream of the shards' I/O; more workers run more moves. */
export const MOVE_LOOPS = 1;

/** Queues (another slice of) a move. */
export async function queueMoveJob(boss: PgBoss, moveId: string): Promise<string | null> {
  return boss.send(QUEUES.moveTenant, { moveId });
}

/**
 * For crash tests only (tests/integration/move-crash.test.ts):
 * SHARDSCOPE_MOVE_STALL_AT=<phase>:<before|after> makes the worker's moves
 * stop for good at that point, so the test can SIGKILL the worker there.
 * 'before': the phase is checkpointed and has not acted yet; 'after': it
 * acted and the next phase's checkpoint is not written. Unset: no stall.
 */
const stallAtSchema = z
  .string()
  .regex(new RegExp(`^(${FORWARD_PHASES.join('|')}):(before|after)$`), 'must be <phase>:<before|after>, the phase one of prepare … cleanup')
  .transform((value) => {
    const [phase, when] = value.split(':');
    return { phase: phase as MovePhase, when: when as 'before' | 'after' };
  })
  .optional();

function stallHooks(moveId: string, stallAt: z.infer<typeof stallAtSchema>): Pick<RunMoveOptions, 'onPhaseStart' | 'onPhase'> {
  const stall = (when: 'before' | 'after', phase: MovePhase) => {
    if (stallAt?.phase !== phase || stallAt.when !== when) return;
    console.log(`[worker] move ${moveId}: stalled ${when} ${phase}`);
    return new Promise<never>(() => {});
  };
  return {
    onPhaseStart: (phase) => stall('before', phase),
    onPhase: (phase) => {
      console.log(`[worker] move ${moveId}: ${phase} done`);
      return stall('after', phase);
    },
  };
}

export function moveTenantHandler(boss: PgBoss, stats: WorkerStats) {
  const parsedStallAt = stallAtSchema.safeParse(process.env.SHARDSCOPE_MOVE_STALL_AT);
  if (!parsedStallAt.success) throw new Error(`SHARDSCOPE_MOVE_STALL_AT ${parsedStallAt.error.issues[0].message}`);
  const stallAt = parsedStallAt.data;
  return async (job: PgBoss.Job<unknown>) => {
    const { moveId } = moveJobSchema.parse(job.data);
    const started = performance.now();
    let outcome;
    try {
      outcome = await runMove(moveId, { sliceEndsAt: Date.now() + MOVE_SLICE_SECONDS * 1000, ...stallHooks(moveId, stallAt) });
    } catch (error) {
      // Another runner has the move: this job is a duplicate. Done, not retried: if that runner dies, the sweep resumes the move.
      if (error instanceof MoveBusyError) return { busy: true };
      throw error;
    }
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
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    sweepQueuedMoves(boss, getFleetEnv().SHARDSCOPE_JOBS_SCHEMA)
      .then((result) => {
        for (const moveId of result.started) console.log(`[worker] move ${moveId}: job sent`);
        for (const moveId of result.resumed) console.log(`[worker] move ${moveId}: resumed (no worker was running it): job sent`);
        for (const runId of result.finishedRuns) console.log(`[worker] rebalance run ${runId}: finished`);
      })
      .catch(onError)
      .finally(() => (sweeping = false));
  };
  // At once, too: a worker restarted after a crash resumes its orphaned moves without waiting an interval.
  sweep();
  return setInterval(sweep, intervalMs);
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
