// What an online tenant move costs, on two shards of a sandbox of its own
// (base port 25900; purged afterwards unless --keep):
//
//   npm run bench:move [-- --part all|1|2 --mb 200 --runs 2 --moves 20 --poll-ms 100 --keep]
//
// 1. Copy rate. One tenant of --mb MB (its rows' stored size, measured) on
//    shard-1, then, --runs times, the same copy two ways between the same
//    shards: a raw pipe (each tenant table's COPY (SELECT … WHERE tenant_id =
//    …) TO STDOUT into COPY … FROM STDIN on the other shard, through this
//    process with pg-copy-streams; then that copy is removed), and the move
//    itself (createMove + runMove, logical strategy) from prepare's start to
//    the end of its copy phase. Each run goes the other way from the last.
//    Then one move of the same tenant by the copy strategy: its copy phase and
//    verify (both inside its write block) in MB/s.
// 2. Write-block window. A small tenant moved --moves times back and forth
//    while an app writes to it at 200 writes/s: tenant_moves.write_block_ms
//    (switch commit − fence commit), the longest gap the writer saw between
//    acknowledged writes, the window cut by phase, and whether every
//    acknowledged write is on the tenant's final shard.
// --part 1 or 2 runs only that part (default all). Prints numbers, no pass/fail. BENCH_SANDBOX / BENCH_BASE_PORT give a
// parallel run its own sandbox.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    mb: { type: 'string', default: '200' },
    runs: { type: 'string', default: '2' },
    moves: { type: 'string', default: '20' },
    'poll-ms': { type: 'string', default: '100' },
    'writes-per-second': { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});
const wholeAtLeast = (name: string, value: string, least: number): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < least) throw new Error(`--${name} must be a whole number ≥ ${least}`);
  return parsed;
};
const PARTS: Record<string, { copyRate: boolean; writeBlock: boolean }> = {
  all: { copyRate: true, writeBlock: true },
  '1': { copyRate: true, writeBlock: false },
  '2': { copyRate: false, writeBlock: true },
};
const PART = PARTS[values.part];
if (!PART) throw new Error(`--part must be all, 1 or 2, got ${values.part}`);
const MB = wholeAtLeast('mb', values.mb, 1);
const RUNS = wholeAtLeast('runs', values.runs, 1);
const MOVES = wholeAtLeast('moves', values.moves, 1);
const POLL_MS = wholeAtLeast('poll-ms', values['poll-ms'], 10);
const WRITES_PER_SECOND = wholeAtLeast('writes-per-second', values['writes-per-second'], 1);
/** How soon the bench's writer re-reads the tenant's route after a refusal (the integration test's writer does the same). */
const RETRY_PAUSE_MS = 20;

const repoRoot = path.resolve(import.meta.dirname, '..');
const SANDBOX = { SANDBOX_NAME: process.env.BENCH_SANDBOX ?? 'bench-move', SANDBOX_BASE_PORT: process.env.BENCH_BASE_PORT ?? '25900' };
const fleetFile = path.join(repoRoot, '.sandbox', SANDBOX.SANDBOX_NAME, 'fleet.json');
const progress = (line: string) => console.error(`[bench] ${line}`);

function sandbox(...args: string[]): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'sandbox.sh'), ...args], { env: { ...process.env, ...SANDBOX }, stdio: ['ignore', 'ignore', 'inherit'] });
}

// The move code reads its configuration (fleet file, timeouts) from the environment on first use.
process.env.SHARDSCOPE_FLEET_FILE = fleetFile;

progress(`sandbox ${SANDBOX.SANDBOX_NAME} on base port ${SANDBOX.SANDBOX_BASE_PORT}`);
sandbox('down', '--purge');
sandbox('up');

const { readFleetFile } = await import('@/lib/fleet/fleet-file');
const { migrateFleet } = await import('@/lib/migrate/migrate-fleet');
const { getControlPool } = await import('@/lib/control/db');
const { DEFAULT_MOVE_TIMINGS } = await import('@/lib/rebalance/move-phases');
const { SHARD_SETTINGS_SQL } = await import('./move-sql');
const { withShardAdmin } = await import('./move-shards');
const { MIB } = await import('./move-stats');
const { runCopyRate } = await import('./move-copy-rate');
const { runWriteBlock } = await import('./move-write-block');

try {
  const fleet = readFleetFile(fleetFile);
  await migrateFleet(fleet);
  const shards = fleet.shards.slice(0, 2);
  if (shards.length < 2) throw new Error('the bench needs two shards in the fleet file');
  const settings = await withShardAdmin(shards[0], async (client) => (await client.query(SHARD_SETTINGS_SQL)).rows[0]);
  const timings = { pollMs: POLL_MS };
  const cpus = os.cpus();

  console.log(
    [
      `tenant move benchmark: sandbox ${SANDBOX.SANDBOX_NAME} (base port ${SANDBOX.SANDBOX_BASE_PORT}), ${shards.map((shard) => shard.id).join(' and ')}`,
      `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.platform()} ${os.release()}; ` +
        `all servers on this host; Postgres ${settings.version}, shared_buffers ${settings.shared_buffers}, fsync ${settings.fsync}, ` +
        `max_sync_workers_per_subscription ${settings.sync_workers}`,
      `moves: createMove + runMove (logical strategy) in this process, timings { pollMs: ${POLL_MS} } (DEFAULT_MOVE_TIMINGS.pollMs is ${DEFAULT_MOVE_TIMINGS.pollMs}; ` +
        `drain polls every min(pollMs, 50) ms, the fence's settle wait every 10 ms), everything else DEFAULT_MOVE_TIMINGS`,
    ].join('\n'),
  );
  if (PART.copyRate) {
    console.log(
      [
        '',
        `1. copy rate: one tenant of ${MB} MB, ${RUNS} runs, each in the direction opposite to the last`,
        `   raw pipe: each tenant table in turn, COPY (SELECT * … WHERE tenant_id = …) TO STDOUT on the source piped into COPY … FROM STDIN on the target`,
        `             through this process (pg-copy-streams), the target session with session_replication_role = replica as a table-sync worker's;`,
        `             then that copy is deleted and vacuumed`,
        `   move copy: from the start of prepare (publication, subscription with copy_data: the initial sync starts with it) to the end of the copy`,
        `             phase (every table's sync ready; seen at the copy phase's polls, every ${POLL_MS} ms)`,
        `   before each timed side the tenant tables of both shards are vacuumed and both shards checkpointed (neither side pays the other's hint bits)`,
        `   MB/s: the tenant's stored row bytes over the elapsed time; ratio: raw pipe time / move copy time (target ≥ 0.8×)`,
      ].join('\n'),
    );
    const copyLines = await runCopyRate(shards, { targetBytes: MB * MIB, runs: RUNS, timings, log: progress });
    console.log(copyLines.join('\n'));
  }

  if (PART.writeBlock) {
    console.log(
      [
        '',
        `2. write-block window: a small tenant (1,000 users, 3,000 orders, 1,000 events) moved ${MOVES} times back and forth while a writer inserts`,
        `   its orders at ${WRITES_PER_SECOND}/s through the shard's PgBouncer, where the directory routes it; on SSF01/SSM01 it waits ${RETRY_PAUSE_MS} ms,`,
        `   re-reads the directory and retries the same order. write_block_ms: switch commit − fence commit (tenant_moves);`,
        `   writer gap: the longest time between two acknowledged writes from the move's start to the first acknowledgement after it ended`,
      ].join('\n'),
    );
    const blockLines = await runWriteBlock(shards, { moves: MOVES, writesPerSecond: WRITES_PER_SECOND, retryPauseMs: RETRY_PAUSE_MS, timings, log: progress });
    console.log(blockLines.join('\n'));
  }
} finally {
  await getControlPool()
    .end()
    .catch(() => {});
  if (values.keep) progress(`sandbox kept: SANDBOX_NAME=${SANDBOX.SANDBOX_NAME} SANDBOX_BASE_PORT=${SANDBOX.SANDBOX_BASE_PORT} (fleet ${fleetFile})`);
  else sandbox('down', '--purge');
}
