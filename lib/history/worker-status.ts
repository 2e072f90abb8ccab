import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { formatAge, samplingState, HEARTBEAT_ALIVE_SECONDS } from './worker-status-model';
import type { WorkerHeartbeat, WorkerStatus } from './worker-status-types';

/**
 * The newest node sample (index on kind, at; bounded to two days so the
 * planner never walks old partitions). Healthy: within a few intervals.
 */
export const LAST_SAMPLE_SQL = `
  select max(measured_at) as last_sample_at, now() as db_now
  from metric_samples
  where kind = 'node'
    and at > now() - interval '2 days'`;

/** Workers seen in the last day, running ones first. */
export const RECENT_WORKERS_SQL = `
  select worker_id, host, pid, started_at, last_beat_at, stopped_at, jobs_done, jobs_failed,
         extract(epoch from now() - last_beat_at)::float8 as beat_age_seconds
  from worker_heartbeats
  where last_beat_at > now() - interval '1 day'
  order by stopped_at is not null, last_beat_at desc
  limit 50`;

interface LastSampleRow {
  last_sample_at: Date | null;
  db_now: Date;
}

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  started_at: Date;
  last_beat_at: Date;
  stopped_at: Date | null;
  jobs_done: string;
  jobs_failed: string;
  beat_age_seconds: number;
}

/** Never throws: a control DB that does not answer makes the state 'unavailable'. */
export async function getWorkerStatus(): Promise<WorkerStatus> {
  const intervalSeconds = getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  try {
    const pool = getControlPool();
    const [last, workers] = await Promise.all([pool.query<LastSampleRow>(LAST_SAMPLE_SQL), pool.query<WorkerRow>(RECENT_WORKERS_SQL)]);
    const { last_sample_at: lastSampleAt, db_now: dbNow } = last.rows[0];
    const ageSeconds = lastSampleAt ? Math.max(0, (dbNow.getTime() - lastSampleAt.getTime()) / 1000) : null;
    const heartbeats: WorkerHeartbeat[] = workers.rows.map((row) => ({
      id: row.worker_id,
      host: row.host,
      pid: row.pid,
      startedAt: row.started_at.toISOString(),
      lastBeatAt: row.last_beat_at.toISOString(),
      jobsDone: Number(row.jobs_done),
      jobsFailed: Number(row.jobs_failed),
      alive: row.stopped_at === null && row.beat_age_seconds < HEARTBEAT_ALIVE_SECONDS,
    }));
    const state = samplingState(ageSeconds, intervalSeconds);
    const alive = heartbeats.filter((worker) => worker.alive).length;
    const message =
      state === 'never'
        ? 'no sample yet: start a worker (npm run worker)'
        : state === 'stale'
          ? `sampling has stopped: last sample ${formatAge(ageSeconds!)} ago, ${alive} worker${alive === 1 ? '' : 's'} alive`
          : `worker: last sample ${formatAge(ageSeconds!)} ago (${alive} worker${alive === 1 ? '' : 's'})`;
    return {
      state,
      intervalSeconds,
      lastSampleAt: lastSampleAt?.toISOString() ?? null,
      lastSampleAgeSeconds: ageSeconds === null ? null : Math.round(ageSeconds),
      message,
      workers: heartbeats,
    };
  } catch (error) {
    return {
      state: 'unavailable',
      intervalSeconds,
      lastSampleAt: null,
      lastSampleAgeSeconds: null,
      message: `history unavailable: control database ${describeNodeError(error)}`,
      workers: [],
    };
  }
}
