import type PgBoss from 'pg-boss';

/**
 * Job loops for the busy queues (sampling): each loop fetches one job, runs
 * it, and fetches the next at once while there is work; only an empty queue
 * makes it sleep, for a random part of the polling interval so that several
 * workers' polls interleave and take turns. (pg-boss's own work() waits a
 * whole polling interval after every job: 8 loops at 1 s could not start more
 * than 8 jobs a second, too few for 300 shards at a 15 s interval.)
 *
 * Stopping: loops finish the job in hand and fetch no more; a job still
 * running when the grace period ends is handed back (failed, so pg-boss
 * retries it on another worker).
 */

export type JobHandler = (job: PgBoss.Job<unknown>) => Promise<unknown>;

export interface JobLoopsOptions {
  queue: string;
  loops: number;
  pollingIntervalMs: number;
  handler: JobHandler;
  onFailure: (job: PgBoss.Job<unknown>, error: unknown) => void;
  onFetchError: (error: unknown) => void;
  /** Jobs come with pg-boss's metadata (retryCount, retryLimit, …), for handlers that act on their last attempt. */
  includeMetadata?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class JobLoops {
  private stopping = false;
  private readonly inFlight = new Map<string, PgBoss.Job<unknown>>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly boss: PgBoss,
    private readonly options: JobLoopsOptions,
  ) {}

  start(): void {
    this.loops = Array.from({ length: this.options.loops }, () => this.loop());
  }

  private async loop(): Promise<void> {
    const { queue, pollingIntervalMs, handler } = this.options;
    while (!this.stopping) {
      let jobs: PgBoss.Job<unknown>[];
      try {
        jobs = await this.boss.fetch<unknown>(queue, { batchSize: 1, includeMetadata: this.options.includeMetadata ?? false });
      } catch (error) {
        this.options.onFetchError(error);
        await sleep(pollingIntervalMs * (1 + Math.random()));
        continue;
      }
      const [job] = jobs;
      if (!job) {
        await sleep(pollingIntervalMs * (0.5 + Math.random()));
        continue;
      }
      this.inFlight.set(job.id, job);
      try {
        const output = await handler(job);
        await this.boss.complete(queue, job.id, (output ?? {}) as object);
      } catch (error) {
        this.options.onFailure(job, error);
        await this.boss.fail(queue, job.id, { message: (error as Error)?.message ?? String(error) }).catch(() => {});
      } finally {
        this.inFlight.delete(job.id);
      }
    }
  }

  /** Stops fetching; waits up to `graceMs` for running jobs, then hands the rest back for retry. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const finished = Promise.all(this.loops);
    const timedOut = await Promise.race([finished.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      const handBack = { message: 'worker stopped before the job finished: handed back' };
      await Promise.all([...this.inFlight.keys()].map((id) => this.boss.fail(this.options.queue, id, handBack).catch(() => {})));
    }
  }
}
