import type pg from 'pg';

/**
 * One row per worker process in the control DB: who is sampling, since when,
 * how much it did. Written by the worker every few seconds and when it stops.
 */

export const UPSERT_HEARTBEAT_SQL = `
  insert into worker_heartbeats
    (worker_id, host, pid, started_at, last_beat_at, stopped_at, jobs_done, jobs_failed, last_sample_at, last_job_ms, cpu_user_us, cpu_system_us)
  values ($1, $2, $3, $4, now(), $5, $6, $7, $8, $9, $10, $11)
  on conflict (worker_id) do update set
    last_beat_at = now(),
    stopped_at = excluded.stopped_at,
    jobs_done = excluded.jobs_done,
    jobs_failed = excluded.jobs_failed,
    last_sample_at = excluded.last_sample_at,
    last_job_ms = excluded.last_job_ms,
    cpu_user_us = excluded.cpu_user_us,
    cpu_system_us = excluded.cpu_system_us`;

export interface WorkerHeartbeatState {
  workerId: string;
  host: string;
  pid: number;
  startedAt: Date;
  stoppedAt: Date | null;
  jobsDone: number;
  jobsFailed: number;
  lastSampleAt: Date | null;
  lastJobMs: number | null;
  cpuUserMicros: number;
  cpuSystemMicros: number;
}

export async function writeHeartbeat(db: Pick<pg.ClientBase, 'query'>, state: WorkerHeartbeatState): Promise<void> {
  await db.query(UPSERT_HEARTBEAT_SQL, [
    state.workerId,
    state.host,
    state.pid,
    state.startedAt,
    state.stoppedAt,
    state.jobsDone,
    state.jobsFailed,
    state.lastSampleAt,
    state.lastJobMs,
    state.cpuUserMicros,
    state.cpuSystemMicros,
  ]);
}
