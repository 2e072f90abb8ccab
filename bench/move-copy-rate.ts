import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import type { MoveTimings } from '@/lib/rebalance/move-phases';
import { TENANT_TABLES } from '@/lib/tenants/tenant-schema';
import { MIB, ascending, mb, mbPerSecond, pad, seconds } from './move-stats';
import { MOVES_SQL, REPLICA_ROLE_SQL, SEED_APP_USERS_SQL, SEED_EVENTS_SQL, SEED_ORDERS_SQL, copyInSql, copyOutSql, vacuumTableSql } from './move-sql';
import { dropTenant, registerTenant, removeTenantRowsFrom, tenantSize, withShardAdmin, type TableSize } from './move-shards';
import { lastMark, phaseMs, timedMove } from './move-timeline';

/**
 * Part 1 of bench/move.ts: one large tenant's copy, a move's against a raw
 * COPY pipe between the same two shards, in the same run. Each run pipes the
 * tenant from the shard it lives on to the other (then removes that copy),
 * and then moves it there; the next run goes the other way.
 */

export interface CopyRateOptions {
  targetBytes: number;
  runs: number;
  timings: Partial<MoveTimings>;
  log: (line: string) => void;
}

/** md5 strings per event payload: about 1 kB a row, inline and uncompressed. */
const EVENT_BODY_MD5S = 28;
/** Stored bytes of one seeded event (row header, uuid, ids, kind, the payload's jsonb): sizes the seeding, the measurement counts. */
const EVENT_BYTES_ESTIMATE = 1_000;
const EVENTS_PER_INSERT = 50_000;
/** Per 200 MB of tenant: users and orders as a tenant of that size might have them; events carry the rest. */
const USERS_PER_200_MB = 20_000;
const ORDERS_PER_200_MB = 200_000;

const totalBytes = (sizes: readonly TableSize[]) => sizes.reduce((sum, table) => sum + table.bytes, 0);

async function seedLargeTenant(shard: ShardConfig, tenantId: string, targetBytes: number, log: (line: string) => void): Promise<TableSize[]> {
  const scale = targetBytes / (200 * MIB);
  await withShardAdmin(shard, async (client) => {
    await client.query(SEED_APP_USERS_SQL, [tenantId, Math.ceil(USERS_PER_200_MB * scale)]);
    await client.query(SEED_ORDERS_SQL, [tenantId, Math.ceil(ORDERS_PER_200_MB * scale)]);
  });
  let sizes = await tenantSize(shard, tenantId);
  let nextEvent = 1;
  while (totalBytes(sizes) < targetBytes) {
    const missing = Math.ceil((targetBytes - totalBytes(sizes)) / EVENT_BYTES_ESTIMATE);
    await withShardAdmin(shard, async (client) => {
      for (let left = missing; left > 0; left -= EVENTS_PER_INSERT) {
        const last = nextEvent + Math.min(left, EVENTS_PER_INSERT) - 1;
        await client.query(SEED_EVENTS_SQL, [tenantId, nextEvent, last, EVENT_BODY_MD5S]);
        nextEvent = last + 1;
      }
      await client.query('vacuum analyze');
      await client.query('checkpoint');
    });
    sizes = await tenantSize(shard, tenantId);
    log(`seeded ${mb(totalBytes(sizes))} MB`);
  }
  return sizes;
}

/**
 * Before each timed copy: rows a move just copied in are read for the first
 * time by the next copy out, which then also sets their hint bits and
 * visibility (writing the pages back); a vacuum does that first, and a
 * checkpoint flushes what is dirty, so neither side pays for the other.
 */
async function settleShards(shards: readonly ShardConfig[]): Promise<void> {
  for (const shard of shards) {
    await withShardAdmin(shard, async (client) => {
      for (const table of TENANT_TABLES) await client.query(vacuumTableSql(table));
      await client.query('checkpoint');
    });
  }
}

interface PipeResult {
  ms: number;
  /** COPY text that went through the pipe. */
  streamBytes: number;
}

/** Every tenant table in turn: COPY (SELECT … WHERE tenant_id = …) TO STDOUT on the source into COPY … FROM STDIN on the target, through this process. */
async function rawPipe(source: ShardConfig, target: ShardConfig, tenantId: string): Promise<PipeResult> {
  return withShardAdmin(source, (sourceClient) =>
    withShardAdmin(target, async (targetClient) => {
      await targetClient.query(REPLICA_ROLE_SQL);
      let streamBytes = 0;
      const started = Date.now();
      for (const table of TENANT_TABLES) {
        const counted = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            streamBytes += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(sourceClient.query(copyTo(copyOutSql(table, tenantId))), counted, targetClient.query(copyFrom(copyInSql(table))));
      }
      return { ms: Date.now() - started, streamBytes };
    }),
  );
}

interface RunResult {
  from: string;
  to: string;
  pipe: PipeResult;
  /** prepare's start (publication, subscription: the copy starts with it) to the copy phase's end (every table ready). */
  moveCopyMs: number;
  copyPhaseMs: number;
  moveMs: number;
  verifyMs: number;
  cleanupMs: number;
  writeBlockMs: number | null;
  status: string;
}

export async function runCopyRate(shards: readonly ShardConfig[], options: CopyRateOptions): Promise<string[]> {
  const { log } = options;
  const tenantId = randomUUID();
  let home = shards[0];
  await registerTenant(tenantId, `bench-move-large-${tenantId.slice(0, 8)}`, home.id);
  log(`seeding a tenant of ${mb(options.targetBytes)} MB on ${home.id}…`);
  const seedStarted = Date.now();
  const sizes = await seedLargeTenant(home, tenantId, options.targetBytes, log);
  const bytes = totalBytes(sizes);
  const lines: string[] = [];
  lines.push(
    `tenant ${tenantId} on ${home.id}: ${mb(bytes)} MB of rows (sum of pg_column_size), seeded in ${seconds(Date.now() - seedStarted)} s: ` +
      sizes.map((table) => `${table.table} ${table.rows} rows ${mb(table.bytes)} MB`).join(', '),
  );
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const away = shards.find((shard) => shard.id !== home.id)!;
      await settleShards(shards);
      log(`run ${run}/${options.runs}: raw pipe ${home.id} → ${away.id}…`);
      const pipe = await rawPipe(home, away, tenantId);
      await removeTenantRowsFrom(away, tenantId);
      await settleShards(shards);
      log(`run ${run}/${options.runs}: move ${home.id} → ${away.id}…`);
      const move = await timedMove(tenantId, away.id, options.timings);
      const row = (await getControlPool().query(MOVES_SQL, [[move.moveId]])).rows[0];
      if (move.outcome.status !== 'done') throw new Error(`move ${move.moveId} ended ${move.outcome.status}: ${row?.error}`);
      results.push({
        from: home.id,
        to: away.id,
        pipe,
        moveCopyMs: lastMark(move, 'copy', 'end')! - lastMark(move, 'prepare', 'start')!,
        copyPhaseMs: phaseMs(move, 'copy')!,
        moveMs: move.endedAt - move.startedAt,
        verifyMs: phaseMs(move, 'verify')!,
        cleanupMs: phaseMs(move, 'cleanup')!,
        writeBlockMs: row.write_block_ms,
        status: move.outcome.status,
      });
      home = away;
      const last = results.at(-1)!;
      lines.push(
        `  run ${run}  ${last.from} → ${last.to}   raw pipe ${pad(seconds(pipe.ms), 6)} s ${pad(mbPerSecond(bytes, pipe.ms), 6)} MB/s   ` +
          `move copy ${pad(seconds(last.moveCopyMs), 6)} s ${pad(mbPerSecond(bytes, last.moveCopyMs), 6)} MB/s   ` +
          `ratio ${(pipe.ms / last.moveCopyMs).toFixed(2)}×   ` +
          `(copy phase alone ${seconds(last.copyPhaseMs)} s; whole move ${seconds(last.moveMs)} s, verify ${seconds(last.verifyMs)} s, cleanup ${seconds(last.cleanupMs)} s, ` +
          `write block ${last.writeBlockMs} ms; pipe carried ${mb(pipe.streamBytes)} MB of COPY text)`,
      );
    }
    // The copy strategy on the same tenant: its copy phase and verify, both inside the write block, are the rates
    // lib/rebalance/move-estimate.ts estimates that block from.
    const away = shards.find((shard) => shard.id !== home.id)!;
    await settleShards(shards);
    log(`copy strategy: move ${home.id} → ${away.id}…`);
    const copyMove = await timedMove(tenantId, away.id, options.timings, 'copy');
    const copyRow = (await getControlPool().query(MOVES_SQL, [[copyMove.moveId]])).rows[0];
    if (copyMove.outcome.status !== 'done') throw new Error(`copy move ${copyMove.moveId} ended ${copyMove.outcome.status}: ${copyRow?.error}`);
    const copyMs = phaseMs(copyMove, 'copy')!;
    const verifyMs = phaseMs(copyMove, 'verify')!;
    lines.push(
      `  copy strategy  ${home.id} → ${away.id}   copy phase ${pad(seconds(copyMs), 6)} s ${pad(mbPerSecond(bytes, copyMs), 6)} MB/s   ` +
        `verify ${seconds(verifyMs)} s ${mbPerSecond(bytes, verifyMs)} MB/s   write block ${copyRow.write_block_ms} ms   (whole move ${seconds(copyMove.endedAt - copyMove.startedAt)} s)`,
    );
  } finally {
    log('dropping the large tenant…');
    await dropTenant(shards, tenantId);
  }
  const ratios = ascending(results.map((run) => run.pipe.ms / run.moveCopyMs));
  const pipeMs = results.reduce((sum, run) => sum + run.pipe.ms, 0);
  const moveMs = results.reduce((sum, run) => sum + run.moveCopyMs, 0);
  const ratio = pipeMs / moveMs;
  lines.push(
    `  all ${results.length} runs together: raw pipe ${mbPerSecond(bytes * results.length, pipeMs)} MB/s, move copy ${mbPerSecond(bytes * results.length, moveMs)} MB/s, ` +
      `ratio ${ratio.toFixed(2)}× (runs ${ratios[0].toFixed(2)}× to ${ratios.at(-1)!.toFixed(2)}×)   target ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'not met'}` +
      `${ratio >= 0.8 && ratios[0] < 0.8 ? ' (not in every run)' : ''}`,
  );
  return lines;
}
