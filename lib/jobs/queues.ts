import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Every pg-boss queue, its job data schema and options, and the schedules:
 * the one place to see what the worker does and how often.
 *
 * Sub-minute sampling: each worker runs a ticker that only *sends* one job per
 * shard per slot, with an id derived from (queue, shard, slot). pg-boss
 * inserts with ON CONFLICT DO NOTHING, so N tickers create each job once and
 * N workers split the jobs by SKIP LOCKED. Per-minute and slower work is a
 * pg-boss cron schedule (one job per tick, whatever the number of workers).
 */

export const QUEUES = {
  /** Sample every node, the PgBouncer and host metrics of one shard for one slot. */
  sampleShard: 'sample-shard',
  /** pg_stat_statements snapshot of one shard's primary for one slot. */
  snapshotStatements: 'snapshot-statements',
  /** Storage bytes and users of every tenant of one shard for one slot (a pass over its tenant tables). */
  measureTenantStorage: 'measure-tenant-storage',
  /** This hour's Redis counters of one shard's tenants copied into the control DB (tenant_hour_usage). */
  syncTenantCounters: 'sync-tenant-counters',
  /** Hourly rollups of the previous hours. */
  rollupHours: 'rollup-hours',
  /** Day partitions ahead, and retention (drop expired partitions). */
  maintainHistory: 'maintain-history',
  /** Alert rules of one shard's targets over its new samples, after the shard's sampling job of a slot (lib/alerts/). */
  evaluateAlerts: 'evaluate-alerts',
  /** One notification message (a notification_deliveries row) to one channel, retried with backoff. */
  deliverNotification: 'deliver-notification',
  /** One tenant move (lib/rebalance/move-runner.ts), run in time slices: a slice that ends unfinished queues the move again. */
  moveTenant: 'move-tenant',
  /** Replication objects with Shardscope's prefix that no live move owns, dropped and recorded (lib/rebalance/move-janitor.ts). */
  moveJanitor: 'move-janitor',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const slotJobSchema = z.object({
  shardId: z.string().min(1),
  /** The slot, ISO 8601: the samples' `at`. */
  at: z.iso.datetime(),
});
export type SlotJob = z.infer<typeof slotJobSchema>;

export const deliveryJobSchema = z.object({ deliveryId: z.string().regex(/^[0-9]+$/) });
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

export const moveJobSchema = z.object({ moveId: z.uuid() });
export type MoveJob = z.infer<typeof moveJobSchema>;

/**
 * A move job runs the move for at most this long, then queues it again
 * (checkpointed; the next slice resumes it). Keeps every job far shorter than
 * its expiry, so a killed worker's move is picked up within minutes, not
 * after the longest copy one could imagine.
 */
export const MOVE_SLICE_SECONDS = 60;

export const SCHEDULES = [
  // Minute 2: the previous hour is complete (and a retried late sample had a minute to land).
  { queue: QUEUES.rollupHours, cron: '2 * * * *' },
  { queue: QUEUES.maintainHistory, cron: '*/10 * * * *' },
  // Every minute: an orphaned slot keeps WAL on the source's disk until it is dropped.
  { queue: QUEUES.moveJanitor, cron: '* * * * *' },
] as const;

export interface QueueOptions {
  retryLimit: number;
  retryDelay: number;
  /** Delays grow exponentially from retryDelay (pg-boss's retryBackoff). */
  retryBackoff?: boolean;
  /** A job active longer than this is failed and retried: how long a SIGKILLed worker's job waits. */
  expireInSeconds: number;
  /** Finished jobs kept this long (for the "no slot sampled twice" checks), then archived. */
  retentionSeconds?: number;
}

/**
 * Sampling jobs must finish within a few node timeouts; a job that takes
 * longer than two intervals (or 10 s) belongs to a dead worker and is retried.
 */
export function queueOptions(queue: QueueName, sampleIntervalSeconds: number): QueueOptions {
  switch (queue) {
    case QUEUES.sampleShard:
    case QUEUES.snapshotStatements:
      return { retryLimit: 3, retryDelay: 1, expireInSeconds: Math.max(10, 2 * sampleIntervalSeconds) };
    // A missed sync is made good by the next slot's: a couple of quick retries cover a Redis blip.
    case QUEUES.syncTenantCounters:
      return { retryLimit: 2, retryDelay: 1, expireInSeconds: Math.max(10, 2 * sampleIntervalSeconds) };
    // A pass over a shard's tenant tables: a handful of statements of at most
    // STORAGE_SCAN_TIMEOUT_MS (2 min) each, then the write; well under a second on
    // the demo, so only a job active 15 min belongs to a dead worker. A shard that
    // is down is retried a minute later; the previous measurement stays meanwhile.
    case QUEUES.measureTenantStorage:
      return { retryLimit: 3, retryDelay: 60, expireInSeconds: 900 };
    case QUEUES.rollupHours:
      return { retryLimit: 3, retryDelay: 30, expireInSeconds: 600 };
    case QUEUES.maintainHistory:
      return { retryLimit: 3, retryDelay: 30, expireInSeconds: 300 };
    // Reads the shard's new samples and, when something fires, a context
    // snapshot from the shard (each read bounded by the node timeout).
    case QUEUES.evaluateAlerts:
      return { retryLimit: 2, retryDelay: 1, expireInSeconds: 60 };
    // One HTTP request of at most 5 s per attempt; 2, 4, 8 … s between attempts (about 2 min in all).
    case QUEUES.deliverNotification:
      return { retryLimit: 6, retryDelay: 2, retryBackoff: true, expireInSeconds: 30 };
    // A slice (MOVE_SLICE_SECONDS) plus its longest single step (CREATE SUBSCRIPTION,
    // one verify chunk, one delete batch: each bounded at a minute) well within 5 min:
    // an active job older than that belongs to a dead worker, and another worker resumes
    // the move from its checkpoint. Retries are many and slow: a move is never given up
    // by pg-boss while its shards are down (the move itself decides to roll back).
    case QUEUES.moveTenant:
      return { retryLimit: 1000, retryDelay: 10, expireInSeconds: 300 };
    // One sweep: a listing per shard and, per orphan, the runner's drop (a slot's
    // walsender gets at most 15 s to let go). The next minute's sweep redoes a
    // failed one, so no retries; a job active 5 min belongs to a dead worker.
    case QUEUES.moveJanitor:
      return { retryLimit: 0, retryDelay: 60, expireInSeconds: 300 };
  }
}

/** A job id fixed by what the job is for: the same (queue, shard, slot) always gives the same UUID. */
export function slotJobId(queue: QueueName, shardId: string, at: Date): string {
  const hex = createHash('sha256').update(`${queue}\u0000${shardId}\u0000${at.toISOString()}`).digest('hex');
  // Shaped as an RFC 4122 UUID (version 5 bits, variant 10xx) so Postgres' uuid type takes it.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
