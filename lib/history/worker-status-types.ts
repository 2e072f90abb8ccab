/** GET /api/worker/status: is anyone sampling, and since when not. */

export type SamplingState =
  /** A sample was stored within three intervals. */
  | 'ok'
  /** Samples exist but the newest is older than three intervals: sampling has stopped. */
  | 'stale'
  /** No sample and no worker yet (a fresh install, or the worker was never started). */
  | 'never'
  /** The control database does not answer: history is unavailable, live pages still work. */
  | 'unavailable';

export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  lastBeatAt: string;
  jobsDone: number;
  jobsFailed: number;
  /** Beat within the last 30 s. */
  alive: boolean;
}

export interface WorkerStatus {
  state: SamplingState;
  intervalSeconds: number;
  lastSampleAt: string | null;
  lastSampleAgeSeconds: number | null;
  /** One operator sentence: "worker: last sample 4 s ago", "sampling has stopped (last sample 3 min ago)". */
  message: string;
  workers: WorkerHeartbeat[];
}
