// Measures what the sampling worker costs at fleet scale, against a real
// sandbox fleet (its own, on base port 24900; purged afterwards unless --keep):
// a fleet file of 150 shards × primary + replica = 300 node entries, every
// entry one of the sandbox's real servers under a new id.
//
//   npm run bench:worker [-- --interval 30 --rounds 3 --shards 150 --keep]
//
// A quick check: --interval 5 --rounds 3 --shards 20 (about a minute). At 5 s
// a worker cannot take 150 shards: each of its job loops fetches at most once
// per polling interval, so it runs about 8 jobs a second.
//
// BENCH_SANDBOX / BENCH_BASE_PORT give a parallel run its own sandbox;
// SANDBOX_MAX_CONNECTIONS (default here 400) is passed to the sandbox.
//
// Phase one, one worker: its CPU, sampling job and round durations, and the
// sampler's own statement time on shard 1's primary. Phase two, two workers
// together: each one's share of the jobs, and double samples. Prints numbers
// with their targets beside them, not pass/fail.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { parseFleetEnv } from '@/lib/env';
import { readFleetFile } from '@/lib/fleet/fleet-file';
import { CONSOLE_APPLICATION_NAME } from '@/lib/fleet/node-pools';
import { samplingSlot } from '@/lib/jobs/slots';
import { QUEUES } from '@/lib/jobs/queues';
import { SAMPLER_MARKER } from '@/lib/monitor/node-sample';
import type { WorkerProcess } from '../tests/integration/workers';
import {
  HEARTBEATS_SQL,
  ROUND_STATS_SQL,
  JOB_SHARE_SQL,
  LAST_SLOT_SQL,
  jobStatsSql,
  unfinishedJobsSql,
  doublesSql,
  RESET_STATEMENTS_SQL,
  NODE_CLOCK_SQL,
  SAMPLER_STATEMENTS_SQL,
  WORKER_CONNECTIONS_SQL,
} from './worker-sampling-sql';

const { values } = parseArgs({
  options: {
    interval: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    shards: { type: 'string', default: '150' },
    keep: { type: 'boolean', default: false },
  },
});
const INTERVAL_S = Number(values.interval);
const ROUNDS = Number(values.rounds);
const SHARDS = Number(values.shards);
for (const [flag, value] of Object.entries({ interval: INTERVAL_S, rounds: ROUNDS, shards: SHARDS })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a whole number ≥ 1`);
}

/** The issue's targets: the worker stays a small process at 300 nodes, and the sampler is invisible on a node. */
const TARGET_WORKER_CPU_PERCENT = 20;
const TARGET_NODE_COST_PERCENT = 0.5;
/** What the worker runs with when nothing is set: the per-node cost is quoted at these intervals. */
const DEFAULTS = parseFleetEnv({});

const SANDBOX_NAME = process.env.BENCH_SANDBOX ?? 'bench';
const SANDBOX_BASE_PORT = process.env.BENCH_BASE_PORT ?? '24900';
// The integration helpers (sandbox, workers, the wide fleet file) take their sandbox from these: point them at the bench's.
process.env.SHARDSCOPE_IT_SANDBOX = SANDBOX_NAME;
process.env.SHARDSCOPE_IT_BASE_PORT = SANDBOX_BASE_PORT;
// Each worker keeps a pooled connection per node entry it sampled: two workers × 75 entries per server, with room to spare.
process.env.SANDBOX_MAX_CONNECTIONS ??= '400';
const { fleetFilePath, nodePort, sandbox, withSuperuser } = await import('../tests/integration/sandbox');
const { startWorker, stopWorker, withControl, writeWideFleetFile } = await import('../tests/integration/workers');

const repoRoot = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (time: number) => sleep(time - Date.now());
const progress = (line: string) => console.error(`[bench] ${line}`);

interface NodeWindow {
  wallMs: number;
  sampleCalls: number;
  sampleMs: number;
  /** A snapshot run is two statements (the statements and pg_stat_statements_info), each called once. */
  snapshotRuns: number;
  snapshotMs: number;
  connectionsOpened: number;
  workerConnections: number;
  maxConnections: number;
}

async function onMonitoredNode<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withSuperuser(nodePort(1, 'primary'), work);
}

async function startNodeWindow(): Promise<{ startedAt: Date; sessions: number }> {
  return onMonitoredNode(async (client) => {
    await client.query(RESET_STATEMENTS_SQL);
    const { rows } = await client.query(NODE_CLOCK_SQL);
    return { startedAt: rows[0].now, sessions: rows[0].sessions };
  });
}

async function endNodeWindow(start: { startedAt: Date; sessions: number }): Promise<NodeWindow> {
  return onMonitoredNode(async (client) => {
    const clock = (await client.query(NODE_CLOCK_SQL)).rows[0];
    const statements = (await client.query(SAMPLER_STATEMENTS_SQL, [SAMPLER_MARKER])).rows;
    const connections = (await client.query(WORKER_CONNECTIONS_SQL, [CONSOLE_APPLICATION_NAME])).rows[0];
    const samples = statements.filter((row) => !row.statement_snapshot);
    const snapshots = statements.filter((row) => row.statement_snapshot);
    const sum = (rows: typeof statements, key: string) => rows.reduce((total, row) => total + row[key], 0);
    return {
      wallMs: clock.now.getTime() - start.startedAt.getTime(),
      sampleCalls: sum(samples, 'calls'),
      sampleMs: sum(samples, 'total_exec_ms'),
      snapshotRuns: Math.max(0, ...snapshots.map((row) => row.calls)),
      snapshotMs: sum(snapshots, 'total_exec_ms'),
      // Less this read's own session.
      connectionsOpened: clock.sessions - start.sessions - 1,
      workerConnections: connections.connections,
      maxConnections: connections.max_connections,
    };
  });
}

// --- a phase: N workers for ROUNDS slots ------------------------------------

interface Percentiles {
  p50: number | null;
  p99: number | null;
}

interface PhaseResult {
  schema: string;
  workerIds: string[];
  firstSlot: Date;
  endSlot: Date;
  cpuPercent: number[];
  jobsByWorker: number[];
  rounds: { count: number; ms: Percentiles; fewestNodeSamples: number; fewestNodesUp: number };
  jobs: { completed: number; failed: number; retried: number; unfinished: number; handlerMs: Percentiles; bossMs: Percentiles; waitMs: Percentiles };
  doubles: { doubledJobs: number; redoneJobs: number; slots: number };
  node: NodeWindow;
  exitCodes: (number | null)[];
  logProblems: string[];
}

const running: WorkerProcess[] = [];

/** Lines a healthy worker prints; anything else (an outage, a failed start) is shown with the numbers. */
const EXPECTED_LOG_LINE = /^\[worker\] (\S+: \d+ shards, |running$|SIGTERM: stopping|stopped after \d+ jobs \(0 failed\)$)/;

/** How a worker ended (or that it still runs), and its log: for errors. */
function describeWorker(worker: WorkerProcess): string {
  const { exitCode, signalCode, pid } = worker.child;
  const state = exitCode !== null ? `exited with ${exitCode}` : signalCode !== null ? `killed by ${signalCode}` : 'still running';
  return `worker pid ${pid}, ${state}:\n${worker.output()}`;
}

const hasExited = (worker: WorkerProcess) => worker.child.exitCode !== null || worker.child.signalCode !== null;

async function whenRunning(worker: WorkerProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (!/^\[worker\] running$/m.test(worker.output())) {
    if (hasExited(worker) || Date.now() > deadline) throw new Error(`the worker did not start; ${describeWorker(worker)}`);
    await sleep(200);
  }
  return /\[worker\] (\S+):/.exec(worker.output())![1];
}

async function readHeartbeats(workerIds: string[]): Promise<{ worker_id: string; last_beat_at: Date; cpu_us: number }[]> {
  const rows = await withControl(async (client) => (await client.query(HEARTBEATS_SQL, [workerIds])).rows);
  return workerIds.map((id) => rows.find((row) => row.worker_id === id)!);
}

async function runPhase(schema: string, workerCount: number, wideFleetFile: string): Promise<PhaseResult> {
  const alreadySampled: Date = (await withControl((client) => client.query(LAST_SLOT_SQL))).rows[0].at ?? new Date(0);
  const workers = Array.from({ length: workerCount }, () =>
    startWorker({ SHARDSCOPE_FLEET_FILE: wideFleetFile, SHARDSCOPE_SAMPLE_INTERVAL_S: String(INTERVAL_S), SHARDSCOPE_JOBS_SCHEMA: schema }),
  );
  running.push(...workers);
  const workerIds = await Promise.all(workers.map(whenRunning));

  // The first slot at least half an interval away: the slot the workers started in (sent at once) warms their pools.
  const intervalMs = INTERVAL_S * 1000;
  const firstSlot = samplingSlot(new Date(Date.now() + intervalMs * 1.5), INTERVAL_S);
  const endSlot = new Date(firstSlot.getTime() + ROUNDS * intervalMs);
  progress(`${schema}: ${workerCount} worker(s) running; measuring slots ${clock(firstSlot)}–${clock(endSlot)} UTC`);

  // The node window opens a second before the first slot (its first job may start on the dot) and lasts exactly the rounds.
  await sleepUntil(firstSlot.getTime() - 1000);
  const nodeStart = await startNodeWindow();
  await sleepUntil(firstSlot.getTime());
  const beatsBefore = await readHeartbeats(workerIds);
  await sleepUntil(endSlot.getTime() - 1000);
  const node = await endNodeWindow(nodeStart);

  // The first beats at or after the end: CPU is measured between two beats spanning every round.
  const beatDeadline = endSlot.getTime() + 30_000;
  let beatsAfter = await readHeartbeats(workerIds);
  while (beatsAfter.some((beat) => beat.last_beat_at < endSlot)) {
    if (Date.now() > beatDeadline || workers.some(hasExited)) {
      throw new Error(`no heartbeat after ${clock(endSlot)} from every worker; ${workers.map(describeWorker).join('\n')}`);
    }
    await sleep(500);
    beatsAfter = await readHeartbeats(workerIds);
  }
  // A worker that fell behind still works through the measured slots (its late rounds show as long ones), within bounds.
  const catchUpDeadline = Date.now() + Math.max(10_000, 2 * intervalMs);
  const unfinished = async () =>
    (await withControl((client) => client.query(unfinishedJobsSql(schema), [QUEUES.sampleShard, firstSlot, endSlot]))).rows[0].unfinished as number;
  while ((await unfinished()) > 0 && Date.now() < catchUpDeadline) await sleep(1000);
  const exitCodes = await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGTERM')));
  const cpuPercent = workerIds.map((_, index) => {
    const cpuUs = beatsAfter[index].cpu_us - beatsBefore[index].cpu_us;
    const wallUs = (beatsAfter[index].last_beat_at.getTime() - beatsBefore[index].last_beat_at.getTime()) * 1000;
    return (100 * cpuUs) / wallUs;
  });

  return withControl(async (client) => {
    const rounds = (await client.query(ROUND_STATS_SQL, [firstSlot, endSlot, workerIds])).rows[0];
    const shares = (await client.query(JOB_SHARE_SQL, [firstSlot, endSlot, workerIds])).rows;
    const jobs = (await client.query(jobStatsSql(schema), [QUEUES.sampleShard, firstSlot, endSlot])).rows[0];
    const doubles = (await client.query(doublesSql(schema), [QUEUES.sampleShard, alreadySampled])).rows[0];
    return {
      schema,
      workerIds,
      firstSlot,
      endSlot,
      cpuPercent,
      jobsByWorker: workerIds.map((id) => shares.find((row) => row.worker_id === id)?.jobs ?? 0),
      rounds: {
        count: rounds.rounds,
        ms: { p50: rounds.p50_ms, p99: rounds.p99_ms },
        fewestNodeSamples: rounds.fewest_node_samples ?? 0,
        fewestNodesUp: rounds.fewest_nodes_up ?? 0,
      },
      jobs: {
        completed: jobs.completed,
        failed: jobs.failed,
        retried: jobs.retried,
        unfinished: jobs.unfinished,
        handlerMs: { p50: jobs.handler_p50_ms, p99: jobs.handler_p99_ms },
        bossMs: { p50: jobs.boss_p50_ms, p99: jobs.boss_p99_ms },
        waitMs: { p50: jobs.wait_p50_ms, p99: jobs.wait_p99_ms },
      },
      doubles: { doubledJobs: doubles.doubled_jobs, redoneJobs: doubles.redone_jobs, slots: doubles.slots },
      node,
      exitCodes,
      logProblems: workers.flatMap((worker) => worker.output().split('\n').filter((line) => line !== '' && !EXPECTED_LOG_LINE.test(line))),
    };
  });
}

// --- output -------------------------------------------------------------------

const clock = (time: Date) => time.toISOString().slice(11, 19);
const percent = (value: number) => `${value >= 1 ? value.toFixed(1) : value.toPrecision(2)} %`;
const ms = (value: number | null) => (value === null ? 'n/a' : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const percentiles = (value: Percentiles) => `p50 ${ms(value.p50)}, p99 ${ms(value.p99)}`;

function row(measure: string, value: string, target = ''): void {
  console.log(`  ${measure.padEnd(44)} ${value.padEnd(36)} ${target ? `target ${target}` : ''}`.trimEnd());
}

function printPhase(title: string, result: PhaseResult, nodeEntries: number): void {
  console.log(`${title} (pg-boss schema ${result.schema}), slots ${clock(result.firstSlot)}–${clock(result.endSlot)} UTC`);
  if (result.workerIds.length > 1) {
    const total = result.jobsByWorker.reduce((sum, jobs) => sum + jobs, 0);
    const shares = result.jobsByWorker.map((jobs, index) => `#${index + 1} ${percent((100 * jobs) / Math.max(1, total))} (${jobs})`);
    row('share of sampling jobs per worker', shares.join(', '), 'about even');
  }
  const cpu = result.cpuPercent.map(percent).join(', ');
  row(`worker CPU, % of one core${result.workerIds.length > 1 ? ' (each)' : ''}`, cpu, `≤ ${TARGET_WORKER_CPU_PERCENT} % for 300 nodes`);
  row('sampling job, handler durationMs', percentiles(result.jobs.handlerMs));
  row('sampling job, pg-boss started → completed', percentiles(result.jobs.bossMs));
  row('sampling job wait, start_after → started', percentiles(result.jobs.waitMs));
  row(`round, slot start → last sample (${result.rounds.count} rounds)`, percentiles(result.rounds.ms), `< ${INTERVAL_S} s (the interval)`);
  row('node samples per round (fewest)', `${result.rounds.fewestNodeSamples} of ${nodeEntries}, ${result.rounds.fewestNodesUp} up`, `${nodeEntries}`);
  const { completed, failed, retried, unfinished } = result.jobs;
  row('jobs completed / failed / retried / not run', `${completed} / ${failed} / ${retried} / ${unfinished}`, `${ROUNDS * SHARDS} / 0 / 0 / 0`);
  row(`double jobs per (shard, slot), ${result.doubles.slots} slots`, String(result.doubles.doubledJobs), '0');
  row('completed jobs with inserted = 0', String(result.doubles.redoneJobs), '0');
  row('worker connections open on shard-1-primary', `${result.node.workerConnections} of max_connections ${result.node.maxConnections}`);
  row('connections opened there during the rounds', `≈ ${result.node.connectionsOpened}`);
  const badExits = result.exitCodes.filter((code) => code !== 0);
  row('worker exit on SIGTERM', badExits.length ? `exit codes ${result.exitCodes.join(', ')}` : 'clean (0)', '0');
  if (result.logProblems.length) {
    row('worker log', `${result.logProblems.length} unexpected line(s):`, 'none');
    for (const line of result.logProblems.slice(0, 10)) console.log(`    ${line}`);
  }
}

function printSampler(node: NodeWindow, entriesOnNode: number, port: number): void {
  const seconds = node.wallMs / 1000;
  const wholeServer = (100 * (node.sampleMs + node.snapshotMs)) / node.wallMs;
  const samplePerCallMs = node.sampleMs / Math.max(1, node.sampleCalls);
  const snapshotPerRunMs = node.snapshotMs / Math.max(1, node.snapshotRuns);
  // At the defaults one node answers a sample every 15 s and, as a primary, a statement snapshot every 300 s.
  const perNodeAtDefaults =
    100 * (samplePerCallMs / (DEFAULTS.SHARDSCOPE_SAMPLE_INTERVAL_S * 1000) + snapshotPerRunMs / (DEFAULTS.SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S * 1000));
  console.log(`sampler on shard-1-primary (port ${port}; ${entriesOnNode} node entries point at it), one worker, ${seconds.toFixed(0)} s`);
  row('node-sample statements', `${node.sampleCalls} calls, ${samplePerCallMs.toFixed(2)} ms each`, `${(ROUNDS * entriesOnNode).toString()} calls`);
  row('statement snapshots (pg_stat_statements)', node.snapshotRuns ? `${node.snapshotRuns} runs, ${snapshotPerRunMs.toFixed(2)} ms each` : 'none in the window');
  row(`all sampler statements, % of one core`, `${percent(wholeServer)} (for all ${entriesOnNode} entries)`);
  row(`per monitored node at ${INTERVAL_S} s, % of one core`, percent(wholeServer / Math.max(1, entriesOnNode)));
  row(
    `per node at defaults (${DEFAULTS.SHARDSCOPE_SAMPLE_INTERVAL_S} s, snapshots ${DEFAULTS.SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S} s)`,
    percent(perNodeAtDefaults),
    `< ${TARGET_NODE_COST_PERCENT} %`,
  );
}

// --- main ----------------------------------------------------------------------

async function main(): Promise<void> {
  sandbox('down', '--purge');
  try {
    sandbox('up');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
      cwd: repoRoot,
      env: { ...process.env, SHARDSCOPE_FLEET_FILE: fleetFilePath },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const wideFleetFile = writeWideFleetFile('wide', SHARDS);
    const wideFleet = readFleetFile(wideFleetFile);
    const nodeEntries = wideFleet.shards.reduce((total, shard) => total + shard.nodes.length, 0);
    const monitoredPort = nodePort(1, 'primary');
    const entriesOnNode = wideFleet.shards.flatMap((shard) => shard.nodes).filter((node) => Number(new URL(node.url).port) === monitoredPort).length;
    const loadAtStart = os.loadavg()[0];

    const one = await runPhase('pgboss_bench_one', 1, wideFleetFile);
    const two = await runPhase('pgboss_bench_two', 2, wideFleetFile);

    console.log(
      `\nworker sampling: ${SHARDS} shards × primary + replica = ${nodeEntries} node entries on the sandbox's 4 Postgres servers, ` +
        `a sample every ${INTERVAL_S} s, ${ROUNDS} rounds per phase; ${os.cpus().length} CPUs, load ${loadAtStart.toFixed(1)} at start`,
    );
    printPhase('one worker', one, nodeEntries);
    printPhase('two workers', two, nodeEntries);
    printSampler(one.node, entriesOnNode, monitoredPort);
    console.log(
      'measured: worker CPU = Δ(cpu_user_us + cpu_system_us) ÷ Δlast_beat_at between the heartbeats just before the first slot and just after the last; ' +
        'jobs from the pg-boss job rows of the measured slots; rounds = max(measured_at) − at per slot in metric_samples; ' +
        'shares from metric_samples.worker_id; sampler cost = total_exec_time of statements marked shardscope:sampler in pg_stat_statements ' +
        '(reset a second before the first slot) ÷ wall time, connection set-up not included.',
    );
  } finally {
    await Promise.all(running.map((worker) => stopWorker(worker, 'SIGTERM')));
    if (values.keep) progress(`sandbox kept: SANDBOX_NAME=${SANDBOX_NAME} SANDBOX_BASE_PORT=${SANDBOX_BASE_PORT} (fleet ${fleetFilePath})`);
    else sandbox('down', '--purge');
  }
  process.exit(0);
}

await main();
