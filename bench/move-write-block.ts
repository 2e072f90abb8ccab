import { randomUUID } from 'node:crypto';
import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import type { MoveTimings } from '@/lib/rebalance/move-phases';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { ascending, pad, quantile, seconds, spread } from './move-stats';
import { MOVES_SQL, SEED_APP_USERS_SQL, SEED_EVENTS_SQL, SEED_ORDERS_SQL, WRITER_ORDERS_SQL } from './move-sql';
import { dropTenant, registerTenant, routedShardId, shardById, tenantRowCounts, withShardAdmin } from './move-shards';
import { lastMark, phaseMs, timedMove, type TimedMove } from './move-timeline';
import { resetStatements, topStatementLines } from './move-statements';
import { startTenantWriter, type TenantWriter } from './move-writer';

/**
 * Part 2 of bench/move.ts: a small tenant moved back and forth between two
 * shards while an app writes to it, and how long its writes were held: the
 * move's own write_block_ms (switch commit − fence commit), the longest gap
 * the writer saw between acknowledged writes, and where the window went.
 */

export interface WriteBlockOptions {
  moves: number;
  writesPerSecond: number;
  retryPauseMs: number;
  timings: Partial<MoveTimings>;
  log: (line: string) => void;
}

const SMALL_USERS = 1_000;
const SMALL_ORDERS = 3_000;
const SMALL_EVENTS = 1_000;
/** Above every seeded order's amount_cents: the writer's orders are told apart by it. */
const WRITER_FIRST_VALUE = 1_000_000;
/** The writer runs on its own between moves, as an app's traffic does. */
const PAUSE_BETWEEN_MOVES_MS = 300;
/** md5 strings per seeded event payload: small events, 64 bytes of body. */
const SMALL_EVENT_MD5S = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface MoveRecord {
  id: string;
  status: string;
  write_block_ms: number | null;
  fenced_at: Date | null;
  switched_at: Date | null;
  drain_retries: number;
  rows_verified: number;
  error: string | null;
}

/** The longest wait between two acknowledged writes from the move's start to the first acknowledgement after its end. */
function longestWriterGap(writer: TenantWriter, move: TimedMove): number {
  const times = writer.acknowledgedAt;
  let longest = 0;
  let previous: number | null = null;
  for (const at of times) {
    if (at < move.startedAt) {
      previous = at;
      continue;
    }
    if (previous !== null) longest = Math.max(longest, at - previous);
    previous = at;
    if (at > move.endedAt) break;
  }
  return longest;
}

/** The write-block window cut at the runner's phase edges: each segment in ms, or null when a mark is missing. */
function windowSegments(move: TimedMove, record: MoveRecord): Record<string, number | null> {
  const span = (from: number | null | undefined, to: number | null | undefined) => (from == null || to == null ? null : to - from);
  const fencedAt = record.fenced_at?.getTime();
  const switchedAt = record.switched_at?.getTime();
  return {
    'fence: settle + flush + record': span(fencedAt, lastMark(move, 'fence', 'end')),
    'runner: fence → drain': span(lastMark(move, 'fence', 'end'), lastMark(move, 'drain', 'start')),
    'drain: applied past the fence LSN': span(lastMark(move, 'drain', 'start'), lastMark(move, 'drain', 'end')),
    'runner: drain → verify': span(lastMark(move, 'drain', 'end'), lastMark(move, 'verify', 'start')),
    'verify: counts, hashes, sequences': span(lastMark(move, 'verify', 'start'), lastMark(move, 'verify', 'end')),
    'runner: verify → switch': span(lastMark(move, 'verify', 'end'), lastMark(move, 'switch', 'start')),
    'switch: directory flip committed': span(lastMark(move, 'switch', 'start'), switchedAt),
  };
}

async function seedSmallTenant(shard: ShardConfig, tenantId: string): Promise<void> {
  await registerTenant(tenantId, `bench-move-small-${tenantId.slice(0, 8)}`, shard.id);
  await withShardAdmin(shard, async (client) => {
    await client.query(SEED_APP_USERS_SQL, [tenantId, SMALL_USERS]);
    await client.query(SEED_ORDERS_SQL, [tenantId, SMALL_ORDERS]);
    await client.query(SEED_EVENTS_SQL, [tenantId, 1, SMALL_EVENTS, SMALL_EVENT_MD5S]);
  });
}

/** Every acknowledged write on the tenant's final shard, once; nothing of the tenant left on the other. */
async function checkAcknowledgedWrites(shards: readonly ShardConfig[], tenantId: string, writer: TenantWriter): Promise<string[]> {
  const finalShard = shardById(await routedShardId(tenantId));
  const stored = await withShardAdmin(finalShard, async (client) =>
    (await client.query<{ value: string }>(WRITER_ORDERS_SQL, [tenantId, WRITER_FIRST_VALUE])).rows.map((row) => Number(row.value)),
  );
  const storedSet = new Set(stored);
  const acknowledged = new Set(writer.acknowledged);
  const missing = writer.acknowledged.filter((value) => !storedSet.has(value)).length;
  const unacknowledged = stored.filter((value) => !acknowledged.has(value)).length;
  const duplicates = stored.length - storedSet.size;
  const lines = [
    `correctness: ${writer.acknowledged.length} acknowledged writes, ${writer.acknowledged.length - missing} of them on the tenant's final shard ${finalShard.id}, ` +
      `${missing} missing, ${duplicates} stored twice, ${unacknowledged} stored but never acknowledged; ${writer.failures.length} writes failed with other errors`,
  ];
  const finalCounts = await tenantRowCounts(finalShard, tenantId);
  const expectedOrders = SMALL_ORDERS + storedSet.size;
  lines.push(
    `  on ${finalShard.id}: ${TENANT_TABLES.map((table) => `${table} ${finalCounts[table]}`).join(', ')} ` +
      `(expected app_users ${SMALL_USERS}, orders ${expectedOrders}, events ${SMALL_EVENTS})`,
  );
  for (const shard of shards.filter((candidate) => candidate.id !== finalShard.id)) {
    const left = await tenantRowCounts(shard, tenantId);
    lines.push(`  left on ${shard.id}: ${TENANT_TABLES.map((table) => `${table} ${left[table]}`).join(', ')}`);
  }
  for (const failure of writer.failures.slice(0, 5)) lines.push(`  writer failure: ${failure}`);
  return lines;
}

export async function runWriteBlock(shards: readonly ShardConfig[], options: WriteBlockOptions): Promise<string[]> {
  const { log } = options;
  const tenantId = randomUUID();
  await seedSmallTenant(shards[0], tenantId);
  await resetStatements(shards);
  const writer = startTenantWriter(tenantId, { writesPerSecond: options.writesPerSecond, retryPauseMs: options.retryPauseMs, firstValue: WRITER_FIRST_VALUE });
  const moves: TimedMove[] = [];
  const directions: string[] = [];
  const writerStarted = Date.now();
  try {
    await sleep(1_000);
    for (let n = 1; n <= options.moves; n++) {
      const from = await routedShardId(tenantId);
      const to = shards.find((shard) => shard.id !== from)!.id;
      const move = await timedMove(tenantId, to, options.timings);
      moves.push(move);
      directions.push(`${from} → ${to}`);
      log(`move ${n}/${options.moves} ${from} → ${to}: ${move.outcome.status} in ${move.endedAt - move.startedAt} ms`);
      await sleep(PAUSE_BETWEEN_MOVES_MS);
    }
    await sleep(1_000);
  } finally {
    await writer.stop();
  }
  const writerSeconds = (Date.now() - writerStarted) / 1000;
  const records = new Map(
    (await getControlPool().query<MoveRecord>(MOVES_SQL, [moves.map((move) => move.moveId)])).rows.map((row) => [row.id, row] as const),
  );
  const lines = [
    `writer: ${writer.acknowledged.length} acknowledged writes in ${writerSeconds.toFixed(1)} s (${(writer.acknowledged.length / writerSeconds).toFixed(0)} writes/s, ` +
      `the held seconds of each write-block window included), ${writer.refusals()} refusals (SSF01/SSM01) retried`,
    '',
    `  move  direction            status   write_block_ms  writer gap ms  drain retries  rows verified  fence  →drain  drain  →verify  verify  →switch  switch (ms)` +
      `   whole move  prepare+copy  cleanup (s)`,
  ];
  const segmentValues = new Map<string, number[]>();
  const gaps: number[] = [];
  moves.forEach((move, index) => {
    const record = records.get(move.moveId)!;
    const segments = windowSegments(move, record);
    for (const [name, value] of Object.entries(segments)) if (value !== null) segmentValues.set(name, [...(segmentValues.get(name) ?? []), value]);
    const gap = longestWriterGap(writer, move);
    gaps.push(gap);
    const cells = Object.values(segments).map((value, cell) => pad(value ?? '-', [5, 6, 5, 7, 6, 7, 11][cell]));
    const direction = directions[index];
    const prepareStart = lastMark(move, 'prepare', 'start');
    const copyEnd = lastMark(move, 'copy', 'end');
    const copyMs = prepareStart === null || copyEnd === null ? null : copyEnd - prepareStart;
    lines.push(
      `  ${pad(index + 1, 4)}  ${direction.padEnd(19)}  ${record.status.padEnd(7)}  ${pad(record.write_block_ms ?? '-', 14)}  ${pad(gap, 13)}  ${pad(record.drain_retries, 13)}  ` +
        `${pad(record.rows_verified, 13)}  ${cells.join('  ')}   ${pad(seconds(move.endedAt - move.startedAt), 10)}  ${pad(seconds(copyMs ?? NaN), 12)}  ${pad(seconds(phaseMs(move, 'cleanup') ?? NaN), 7)}` +
        (record.error ? `   ${record.error}` : ''),
    );
  });
  const done = moves.map((move) => records.get(move.moveId)!).filter((record) => record.status === 'done' && record.write_block_ms !== null);
  const blocks = done.map((record) => record.write_block_ms!);
  const p99 = quantile(ascending(blocks), 0.99);
  lines.push('');
  lines.push(`write_block_ms over ${blocks.length} completed moves (of ${moves.length}):   ${spread(blocks, [0.5, 0.95, 0.99])}`);
  lines.push(`writer's longest gap between acknowledged writes, per move:      ${spread(gaps, [0.5, 0.99])}`);
  lines.push(`target p99 < 500 ms: ${p99 < 500 ? 'met' : 'not met'} (write_block_ms p99 ${Math.round(p99)} ms)`);
  lines.push('');
  lines.push('where the write-block window goes (fence commit → switch commit, cut at the runner\'s phase hooks):');
  for (const [name, values] of segmentValues) lines.push(`  ${name.padEnd(36)} ${spread(values, [0.5, 0.95])}`);
  lines.push('');
  lines.push(`the shards' costliest statements during the ${moves.length} moves (pg_stat_statements; the writer's inserts included):`);
  lines.push(...(await topStatementLines(shards, moves.length)));
  lines.push('');
  lines.push(...(await checkAcknowledgedWrites(shards, tenantId, writer)));
  await dropTenant(shards, tenantId);
  return lines;
}
