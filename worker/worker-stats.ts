import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { WorkerHeartbeatState } from '@/lib/history/worker-heartbeats';

/** What this worker process has done, for its heartbeat row. */
export class WorkerStats {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly startedAt = new Date();
  jobsDone = 0;
  jobsFailed = 0;
  lastSampleAt: Date | null = null;
  lastJobMs: number | null = null;
  stoppedAt: Date | null = null;

  jobDone(durationMs: number, sampledAt?: Date): void {
    this.jobsDone += 1;
    this.lastJobMs = Math.round(durationMs);
    if (sampledAt && (!this.lastSampleAt || sampledAt > this.lastSampleAt)) this.lastSampleAt = sampledAt;
  }

  jobFailed(): void {
    this.jobsFailed += 1;
  }

  heartbeat(): WorkerHeartbeatState {
    const cpu = process.cpuUsage();
    return {
      workerId: this.workerId,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      stoppedAt: this.stoppedAt,
      jobsDone: this.jobsDone,
      jobsFailed: this.jobsFailed,
      lastSampleAt: this.lastSampleAt,
      lastJobMs: this.lastJobMs,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
    };
  }
}
