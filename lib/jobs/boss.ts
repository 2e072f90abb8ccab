import PgBoss from 'pg-boss';
import type { FleetEnv } from '@/lib/env';
import { QUEUES, queueOptions, SCHEDULES, type QueueName } from './queues';

/**
 * pg-boss on the control database, in its own schema. Expired jobs (a worker
 * killed mid-job) are noticed by pg-boss maintenance, so it runs about once a
 * sampling interval (bounded 2-30 s) instead of pg-boss's default 2 minutes.
 */
export function maintenanceIntervalSeconds(sampleIntervalSeconds: number): number {
  return Math.min(30, Math.max(2, sampleIntervalSeconds));
}

export function createBoss(controlUrl: string, env: FleetEnv): PgBoss {
  return new PgBoss({
    connectionString: controlUrl,
    schema: env.SHARDSCOPE_JOBS_SCHEMA,
    application_name: 'shardscope-worker',
    max: 4,
    maintenanceIntervalSeconds: maintenanceIntervalSeconds(env.SHARDSCOPE_SAMPLE_INTERVAL_S),
    // Completed sampling jobs are kept an hour (they prove no slot ran twice), then archived.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 1,
  });
}

/** SQLSTATE deadlock_detected: two workers creating queues at once (pg-boss adds a foreign key per queue). */
const DEADLOCK_DETECTED = '40P01';
const CREATE_QUEUE_ATTEMPTS = 5;

async function createQueueOnce(boss: PgBoss, queue: QueueName, options: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // pg-boss' create_queue does nothing when the queue exists (another worker was first).
      await boss.createQueue(queue, options);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= CREATE_QUEUE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

/** Creates (or updates) every queue and schedule; idempotent, safe from any number of workers starting together. */
export async function ensureQueues(boss: PgBoss, sampleIntervalSeconds: number): Promise<void> {
  for (const queue of Object.values(QUEUES) as QueueName[]) {
    const options = { name: queue, policy: 'standard' as const, ...queueOptions(queue, sampleIntervalSeconds) };
    if (await boss.getQueue(queue)) await boss.updateQueue(queue, options);
    else await createQueueOnce(boss, queue, options);
  }
  for (const schedule of SCHEDULES) await boss.schedule(schedule.queue, schedule.cron, {}, { tz: 'UTC' });
}
