import type PgBoss from 'pg-boss';
import { deliverNotification, sweepPendingDeliveries } from '@/lib/alerts/deliveries';
import { evaluateShardAlerts, retireRemovedShards } from '@/lib/alerts/evaluate-shard';
import { findShard, getFleet } from '@/lib/fleet/topology';
import { deliveryJobSchema, QUEUES, slotJobId, slotJobSchema, type SlotJob } from '@/lib/jobs/queues';
import type { WorkerStats } from './worker-stats';

/**
 * The alert jobs: evaluation of a shard after its sampling job of a slot,
 * and one notification message per delivery job. Delivery is its own job
 * (retried with backoff by pg-boss), so a receiver that fails or hangs never
 * holds up an evaluation.
 */

/**
 * Evaluation loops per worker: each evaluation holds one of the control
 * pool's five connections for its transaction (tens of milliseconds), so two
 * leave room for the sampling inserts and the heartbeat; more workers
 * evaluate more shards at once.
 */
export const ALERT_EVALUATION_LOOPS = 2;
/** Messages sent at once per worker: each is one HTTP request of at most 5 s. */
export const DELIVERY_LOOPS = 4;
/** Deliveries missing their job are looked for at most this often per worker, however many shards are evaluated. */
const SWEEP_EVERY_MS = 1000;
/** Alerts of shards removed from the fleet file are looked for this often per worker (they wait at least a minute anyway). */
const REMOVED_SHARDS_EVERY_MS = 60_000;

/**
 * The evaluation job of a (shard, slot), with an id fixed by both: a retried
 * sampling job, or several workers, create it once. Returns null when it was
 * queued, else why not: a missed evaluation is made good by the next slot's,
 * which re-reads the window, so it never fails the sampling job.
 */
export async function queueAlertEvaluation(boss: PgBoss, job: SlotJob): Promise<string | null> {
  try {
    await boss.insert([{ id: slotJobId(QUEUES.evaluateAlerts, job.shardId, new Date(job.at)), name: QUEUES.evaluateAlerts, data: job }]);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function evaluateAlertsHandler(boss: PgBoss, stats: WorkerStats) {
  let lastSweep = 0;
  let lastRemovedShards = 0;
  return async (job: PgBoss.Job<unknown>) => {
    const data = slotJobSchema.parse(job.data);
    const shard = findShard(data.shardId);
    if (!shard) return { skipped: `shard ${data.shardId} is no longer in the fleet file` };
    const report = await evaluateShardAlerts(shard, new Date(data.at), { boss });
    // Deliveries that may have no job: a crash between a commit and its enqueue, or an acknowledgement queued by the web process.
    let swept: number | null = null;
    if (Date.now() - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      swept = await sweepPendingDeliveries(boss).catch((error: unknown) => {
        report.errors.push(`sweep of pending deliveries: ${(error as Error).message}`);
        return null;
      });
    }
    if (Date.now() - lastRemovedShards >= REMOVED_SHARDS_EVERY_MS) {
      lastRemovedShards = Date.now();
      const fleetShardIds = getFleet().shards.map((fleetShard) => fleetShard.id);
      const removed = await retireRemovedShards(fleetShardIds, new Date(), { boss }).catch((error: unknown) => ({
        transitions: [],
        errors: [`alerts of removed shards: ${(error as Error).message}`],
      }));
      report.transitions.push(...removed.transitions);
      report.errors.push(...removed.errors);
    }
    for (const error of report.errors) console.error(`[worker] alerts of ${shard.id} at ${data.at}: ${error}`);
    stats.jobDone(report.durationMs);
    return { ...report, swept };
  };
}

/** Throws on a failed attempt, so pg-boss retries it with backoff (lib/jobs/queues.ts). */
export function deliverNotificationHandler(stats: WorkerStats) {
  return async (job: PgBoss.Job<unknown>) => {
    const { deliveryId } = deliveryJobSchema.parse(job.data);
    const started = performance.now();
    // pg-boss's own counters (the loops fetch with metadata) decide the last attempt, not the attempts recorded on the row.
    const { retryCount, retryLimit } = job as Partial<PgBoss.JobWithMetadata<unknown>>;
    const result = await deliverNotification(deliveryId, { retryCount, retryLimit });
    stats.jobDone(performance.now() - started);
    return result;
  };
}
