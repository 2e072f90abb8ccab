// The worker process (`npm run worker`): pg-boss on the control database.
// Any number of workers may run: sampling jobs are created once per shard
// and slot whatever the number of tickers, and split between workers by
// SKIP LOCKED. SIGTERM/SIGINT stop fetching and let running jobs finish (or
// hand them back); a SIGKILLed worker's jobs expire and are retried.
import type PgBoss from 'pg-boss';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv, type FleetEnv } from '@/lib/env';
import type { FleetFile } from '@/lib/fleet/fleet-file';
import { getFleet } from '@/lib/fleet/topology';
import { ensurePartitionsAround } from '@/lib/history/partitions';
import { writeHeartbeat } from '@/lib/history/worker-heartbeats';
import { createBoss, ensureQueues } from '@/lib/jobs/boss';
import { OutageLog } from '@/lib/jobs/outage-log';
import { QUEUES, type QueueName } from '@/lib/jobs/queues';
import { tick, type SlotTicker } from '@/lib/jobs/ticker';
import { getConnectedRedis } from '@/lib/redis/client';
import { startRouteNotificationRelay, type RouteNotificationRelay } from '@/lib/tenants/route-notifications';
import { TENANT_ROUTE_REDIS_CHANNEL } from '@/lib/tenants/tenant-route-model';
import { ALERT_EVALUATION_LOOPS, DELIVERY_LOOPS, deliverNotificationHandler, evaluateAlertsHandler } from './alert-handlers';
import { JobLoops, type JobHandler } from './job-loops';
import { MOVE_LOOPS, moveJanitorHandler, moveTenantHandler, startMoveSweep } from './move-handlers';
import {
  maintainHistoryHandler,
  measureTenantStorageHandler,
  rollupHoursHandler,
  sampleShardHandler,
  snapshotStatementsHandler,
  syncTenantCountersHandler,
} from './handlers';
import { WorkerStats } from './worker-stats';

/** Heartbeat period: the overview calls a worker gone after 30 s without one. */
const HEARTBEAT_MS = 5000;
/** Running jobs get this long to finish on SIGTERM before they are handed back for retry. */
const GRACEFUL_STOP_MS = 15_000;
/** Start-up retries while the control DB is away: 1 s doubling to 30 s. */
const MAX_BACKOFF_MS = 30_000;

let env: FleetEnv;
let fleet: FleetFile;
const stats = new WorkerStats();
const outages = new OutageLog();
const timers: NodeJS.Timeout[] = [];
const loopsRunning: JobLoops[] = [];
let boss: PgBoss | undefined;
let routeRelay: RouteNotificationRelay | undefined;
let stopping = false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startBoss(): Promise<PgBoss> {
  for (let backoffMs = 1000; ; backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)) {
    const candidate = createBoss(fleet.control.url, env);
    candidate.on('error', (error) => outages.failed('control database', error));
    try {
      await candidate.start();
      await ensureQueues(candidate, env.SHARDSCOPE_SAMPLE_INTERVAL_S);
      await ensurePartitionsAround(getControlPool());
      outages.ok('control database');
      return candidate;
    } catch (error) {
      outages.failed('control database', error);
      await candidate.stop({ graceful: false }).catch(() => {});
      if (stopping) throw new Error('stopped while waiting for the control database');
      await sleep(backoffMs);
    }
  }
}

/** How often an idle job loop asks for work: sub-second, so a slot's jobs start close to their time. */
function pollingIntervalSeconds(): number {
  return Math.min(1, Math.max(0.5, env.SHARDSCOPE_SAMPLE_INTERVAL_S / 4));
}

function countedHandler(handler: JobHandler): JobHandler {
  return async (job) => {
    const started = Date.now();
    const result = await handler(job);
    outages.ok('control database', started);
    return result;
  };
}

/** The sampling, alert and notification queues: our own loops, which fetch again at once while there is work (job-loops.ts). */
function startJobLoops(queue: QueueName, loops: number, handler: JobHandler, includeMetadata = false): void {
  const jobLoops = new JobLoops(boss!, {
    queue,
    loops,
    includeMetadata,
    pollingIntervalMs: pollingIntervalSeconds() * 1000,
    handler: countedHandler(handler),
    onFailure: (job, error) => {
      stats.jobFailed();
      console.error(`[worker] ${queue} job ${job.id} failed: ${(error as Error)?.message ?? String(error)}`);
    },
    onFetchError: (error) => outages.failed('control database', error),
  });
  jobLoops.start();
  loopsRunning.push(jobLoops);
}

/** Hourly and ten-minute jobs from pg-boss schedules: pg-boss's own work() is plenty. */
async function workScheduled(queue: QueueName, handler: JobHandler): Promise<void> {
  await boss!.work<unknown>(queue, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
    try {
      return await countedHandler(handler)(job);
    } catch (error) {
      stats.jobFailed();
      throw error;
    }
  });
}

function startTickers(): void {
  const tickers: SlotTicker[] = [
    { queue: QUEUES.sampleShard, intervalSeconds: env.SHARDSCOPE_SAMPLE_INTERVAL_S, jitterMs: pollingIntervalSeconds() * 1000, lastSent: 0 },
    { queue: QUEUES.snapshotStatements, intervalSeconds: env.SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S, jitterMs: pollingIntervalSeconds() * 1000, lastSent: 0 },
    { queue: QUEUES.syncTenantCounters, intervalSeconds: env.SHARDSCOPE_SAMPLE_INTERVAL_S, jitterMs: pollingIntervalSeconds() * 1000, lastSent: 0 },
    { queue: QUEUES.measureTenantStorage, intervalSeconds: env.SHARDSCOPE_TENANT_STORAGE_INTERVAL_S, jitterMs: pollingIntervalSeconds() * 1000, lastSent: 0 },
  ];
  const tickMs = Math.min(1000, (env.SHARDSCOPE_SAMPLE_INTERVAL_S * 1000) / 4);
  timers.push(
    setInterval(() => {
      if (stopping || !boss) return;
      for (const ticker of tickers) {
        tick(boss, ticker, fleet.shards).catch((error: unknown) => outages.failed('control database', error));
      }
    }, tickMs),
  );
}

async function beat(): Promise<void> {
  try {
    await writeHeartbeat(getControlPool(), stats.heartbeat());
  } catch (error) {
    outages.failed('control database', error);
  }
}

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: stopping (running jobs get ${GRACEFUL_STOP_MS / 1000} s to finish)`);
  for (const timer of timers) clearInterval(timer);
  await routeRelay?.stop();
  await Promise.all(loopsRunning.map((loops) => loops.stop(GRACEFUL_STOP_MS)));
  if (boss) await boss.stop({ graceful: true, timeout: GRACEFUL_STOP_MS, wait: true }).catch(() => {});
  stats.stoppedAt = new Date();
  await beat();
  await getControlPool().end().catch(() => {});
  console.log(`[worker] stopped after ${stats.jobsDone} jobs (${stats.jobsFailed} failed)`);
  process.exit(0);
}

async function main(): Promise<void> {
  env = getFleetEnv();
  fleet = getFleet();
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const nodes = fleet.shards.reduce((total, shard) => total + shard.nodes.length, 0);
  console.log(
    `[worker] ${stats.workerId}: ${fleet.shards.length} shards, ${nodes} nodes, sampling every ${env.SHARDSCOPE_SAMPLE_INTERVAL_S} s, ` +
      `statements every ${env.SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S} s, tenant storage every ${env.SHARDSCOPE_TENANT_STORAGE_INTERVAL_S} s, ` +
      `${env.SHARDSCOPE_WORKER_CONCURRENCY} jobs at once`,
  );
  boss = await startBoss();
  await beat();
  timers.push(setInterval(() => void beat(), HEARTBEAT_MS));
  startJobLoops(QUEUES.sampleShard, env.SHARDSCOPE_WORKER_CONCURRENCY, sampleShardHandler(stats, boss));
  // Alerts after each shard's sampling round; notifications as their own jobs, so a failing channel never holds up evaluation.
  startJobLoops(QUEUES.evaluateAlerts, ALERT_EVALUATION_LOOPS, evaluateAlertsHandler(boss, stats));
  // With pg-boss's retry counters: a delivery's last attempt is marked failed even when an earlier attempt's worker died.
  startJobLoops(QUEUES.deliverNotification, DELIVERY_LOOPS, deliverNotificationHandler(stats), true);
  startJobLoops(QUEUES.snapshotStatements, 1, snapshotStatementsHandler(stats));
  startJobLoops(QUEUES.syncTenantCounters, 1, syncTenantCountersHandler(stats));
  // One scan at a time per worker: a measurement reads a whole shard; more workers measure more shards at once.
  startJobLoops(QUEUES.measureTenantStorage, 1, measureTenantStorageHandler(stats));
  // Tenant moves: long, checkpointed jobs in slices; one at a time per worker.
  startJobLoops(QUEUES.moveTenant, MOVE_LOOPS, moveTenantHandler(boss, stats));
  // Queued moves (the API writes rows only) get their jobs here, within the per-shard move limits.
  timers.push(startMoveSweep(boss, (error) => outages.failed('control database', error)));
  await workScheduled(QUEUES.rollupHours, rollupHoursHandler(stats));
  await workScheduled(QUEUES.maintainHistory, maintainHistoryHandler(stats));
  // Replication objects no live move owns (a move whose rollback could not finish): dropped every minute.
  await workScheduled(QUEUES.moveJanitor, moveJanitorHandler(stats));
  startTickers();
  // Route changes (control DB NOTIFY) to Redis, for apps that cannot LISTEN on the control DB.
  routeRelay = startRouteNotificationRelay({
    controlUrl: fleet.control.url,
    publish: async (message) => (await getConnectedRedis()).publish(TENANT_ROUTE_REDIS_CHANNEL, message),
    health: outages,
  });
  // "running" means route changes are relayed from here on (bounded: a control DB
  // that drops right now must not hold the worker; the relay keeps retrying).
  await Promise.race([routeRelay.listening, sleep(5_000)]);
  console.log('[worker] running');
}

main().catch((error: unknown) => {
  console.error(`[worker] cannot start: ${(error as Error).message}`);
  process.exit(1);
});
