import type PgBoss from 'pg-boss';
import { withControlClient } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { findShard } from '@/lib/fleet/topology';
import { dropExpiredPartitions, ensurePartitionsAround } from '@/lib/history/partitions';
import { hoursToRollUp, rollUpHour, type RollupReport } from '@/lib/history/rollups';
import { sampleShard } from '@/lib/history/sample-shard';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import { slotJobSchema } from '@/lib/jobs/queues';
import { syncTenantCounters } from '@/lib/tenants/counters-sync';
import { measureTenantStorage } from '@/lib/tenants/storage-measurement';
import { queueAlertEvaluation } from './alert-handlers';
import type { WorkerStats } from './worker-stats';

/**
 * Job handlers: like route handlers, each parses its data and makes one lib
 * call. Each is idempotent: a retried job finds its rows already written.
 */

/** Rollups and retention read an hour of samples or wait on a partition lock: more than a page's query timeout. */
const BACKGROUND_STATEMENT_TIMEOUT_MS = 120_000;

/** Hours recomputed by each rollup run: the last complete one and the one before (late samples). */
const ROLLUP_HOURS_PER_RUN = 2;

/** Samples the shard, then queues the alert evaluation of the same slot (its samples are committed by then). */
export function sampleShardHandler(stats: WorkerStats, boss: PgBoss) {
  return async (job: PgBoss.Job<unknown>) => {
    const data = slotJobSchema.parse(job.data);
    const shard = findShard(data.shardId);
    if (!shard) return { skipped: `shard ${data.shardId} is no longer in the fleet file` };
    const report = await sampleShard(shard, new Date(data.at), stats.workerId);
    stats.jobDone(report.durationMs, new Date(data.at));
    const evaluationNotQueued = await queueAlertEvaluation(boss, data);
    if (evaluationNotQueued) console.error(`[worker] alert evaluation of ${shard.id} at ${data.at} not queued: ${evaluationNotQueued}`);
    return evaluationNotQueued ? { ...report, evaluationNotQueued } : report;
  };
}

export function snapshotStatementsHandler(stats: WorkerStats) {
  return async (job: PgBoss.Job<unknown>) => {
    const data = slotJobSchema.parse(job.data);
    const shard = findShard(data.shardId);
    if (!shard) return { skipped: `shard ${data.shardId} is no longer in the fleet file` };
    const started = performance.now();
    const report = await snapshotStatements(shard, new Date(data.at));
    stats.jobDone(performance.now() - started);
    return report;
  };
}

export function measureTenantStorageHandler(stats: WorkerStats) {
  return async (job: PgBoss.Job<unknown>) => {
    const data = slotJobSchema.parse(job.data);
    const shard = findShard(data.shardId);
    if (!shard) return { skipped: `shard ${data.shardId} is no longer in the fleet file` };
    const report = await measureTenantStorage(shard, new Date(data.at));
    stats.jobDone(report.durationMs);
    return report;
  };
}

/** The slot only names the job: the sync copies the hour current when it runs. */
export function syncTenantCountersHandler(stats: WorkerStats) {
  return async (job: PgBoss.Job<unknown>) => {
    const data = slotJobSchema.parse(job.data);
    const shard = findShard(data.shardId);
    if (!shard) return { skipped: `shard ${data.shardId} is no longer in the fleet file` };
    const report = await syncTenantCounters(shard);
    stats.jobDone(report.durationMs);
    return report;
  };
}

export function rollupHoursHandler(stats: WorkerStats) {
  return async () => {
    const started = performance.now();
    const reports: RollupReport[] = [];
    await withControlClient(BACKGROUND_STATEMENT_TIMEOUT_MS, async (client) => {
      for (const hour of hoursToRollUp(new Date(), ROLLUP_HOURS_PER_RUN)) {
        reports.push(await rollUpHour(client, hour, getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S));
      }
    });
    stats.jobDone(performance.now() - started);
    return { hours: reports };
  };
}

export function maintainHistoryHandler(stats: WorkerStats) {
  return async () => {
    const started = performance.now();
    const report = await withControlClient(BACKGROUND_STATEMENT_TIMEOUT_MS, async (client) => {
      await ensurePartitionsAround(client);
      return dropExpiredPartitions(client);
    });
    stats.jobDone(performance.now() - started);
    return report;
  };
}
