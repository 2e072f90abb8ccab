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

/** Creates (or updates) every queue and schedule; idempotent, safe from any number of workers. */
export async function ensureQueues(boss: PgBoss, sampleIntervalSeconds: number): Promise<void> {
  for (const queue of Object.values(QUEUES) as QueueName[]) {
    const options = { name: queue, policy: 'standard' as const, ...queueOptions(queue, sampleIntervalSeconds) };
    if (await boss.getQueue(queue)) await boss.updateQueue(queue, options);
    else {
      try {
        await boss.createQueue(queue, options);
      } catch (error) {
        // Another worker created it between our check and our create.
        if (!(await boss.getQueue(queue))) throw error;
      }
    }
  }
  for (const schedule of SCHEDULES) await boss.schedule(schedule.queue, schedule.cron, {}, { tz: 'UTC' });
}
