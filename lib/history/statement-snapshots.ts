import { getControlPool, withControlTransaction } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { primaryOf } from '@/lib/fleet/topology';
import { readStatements, type StatementReading } from '@/lib/monitor/statements-snapshot';
import { ensurePartitionFor } from './partitions';
import { selectSnapshotRows } from './statement-movers';

/**
 * A pg_stat_statements snapshot of one shard's primary, stored for windowed
 * deltas (the slow-queries page). Storage bound: at most 500 statement rows
 * per primary per snapshot (statement-movers.ts); at the default 5 min
 * interval that is ≤ 144,000 rows per primary per day, ≤ 2.0 M over the 14
 * days of raw retention, dropped by whole day partitions. Texts are stored
 * once per statement hash.
 */

export const SNAPSHOT_TAKEN_SQL = `select 1 from statement_snapshot_runs where node_id = $1 and at = $2`;

export const LAST_RECORDED_SQL = `
  select queryid::text || '|' || username || '|' || dbname || '|' || toplevel::text as key, calls
  from statement_latest
  where node_id = $1`;

export const INSERT_TEXTS_SQL = `
  insert into statement_texts (statement_hash, query)
  select * from unnest($1::text[], $2::text[])
  on conflict (statement_hash) do nothing`;

export const INSERT_SNAPSHOT_ROWS_SQL = `
  insert into statement_snapshots (
    at, shard_id, node_id, statement_hash, queryid, username, dbname, toplevel, calls,
    total_exec_time_ms, stddev_exec_time_ms, total_plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
    temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
  select $1, $2, $3, s.*
  from jsonb_to_recordset($4::jsonb) as s (
    statement_hash text, queryid bigint, username text, dbname text, toplevel boolean, calls bigint,
    total_exec_time_ms float8, stddev_exec_time_ms float8, total_plan_time_ms float8, rows bigint,
    shared_blks_hit bigint, shared_blks_read bigint, shared_blks_dirtied bigint, shared_blks_written bigint,
    temp_blks_read bigint, temp_blks_written bigint, blk_read_time_ms float8, blk_write_time_ms float8,
    wal_records bigint, wal_bytes numeric)
  on conflict do nothing`;

export const INSERT_SNAPSHOT_RUN_SQL = `
  insert into statement_snapshot_runs (at, shard_id, node_id, measured_at, statements_seen, statements_kept, dealloc, stats_reset)
  values ($1, $2, $3, $4, $5, $6, $7, $8)
  on conflict do nothing`;

export const UPSERT_LAST_RECORDED_SQL = `
  insert into statement_latest (node_id, queryid, username, dbname, toplevel, calls, at)
  select $1, s.queryid, s.username, s.dbname, s.toplevel, s.calls, $2
  from jsonb_to_recordset($3::jsonb) as s (queryid bigint, username text, dbname text, toplevel boolean, calls bigint)
  on conflict (node_id, queryid, username, dbname, toplevel) do update set calls = excluded.calls, at = excluded.at`;

function statementKey(statement: StatementReading): string {
  return `${statement.queryid}|${statement.username}|${statement.dbname}|${statement.toplevel}`;
}

function snapshotRow(statement: StatementReading) {
  return {
    statement_hash: statement.statementHash,
    queryid: statement.queryid,
    username: statement.username,
    dbname: statement.dbname,
    toplevel: statement.toplevel,
    calls: statement.calls,
    total_exec_time_ms: statement.totalExecTimeMs,
    stddev_exec_time_ms: statement.stddevExecTimeMs,
    total_plan_time_ms: statement.totalPlanTimeMs,
    rows: statement.rows,
    shared_blks_hit: statement.sharedBlksHit,
    shared_blks_read: statement.sharedBlksRead,
    shared_blks_dirtied: statement.sharedBlksDirtied,
    shared_blks_written: statement.sharedBlksWritten,
    temp_blks_read: statement.tempBlksRead,
    temp_blks_written: statement.tempBlksWritten,
    blk_read_time_ms: statement.blkReadTimeMs,
    blk_write_time_ms: statement.blkWriteTimeMs,
    wal_records: statement.walRecords,
    wal_bytes: statement.walBytes,
  };
}

export interface StatementSnapshotReport {
  shardId: string;
  nodeId: string;
  at: string;
  statementsSeen: number;
  statementsKept: number;
  /** A retried job whose snapshot was already stored: nothing was read or written. */
  alreadyTaken?: boolean;
}

/** Idempotent per (node, slot): a retried job inserts nothing new. */
export async function snapshotStatements(shard: ShardConfig, at: Date): Promise<StatementSnapshotReport> {
  const primary = primaryOf(shard);
  const db = getControlPool();
  await ensurePartitionFor(db, 'statement_snapshot_runs', at);
  if ((await db.query(SNAPSHOT_TAKEN_SQL, [primary.id, at])).rowCount) {
    return { shardId: shard.id, nodeId: primary.id, at: at.toISOString(), statementsSeen: 0, statementsKept: 0, alreadyTaken: true };
  }
  const reading = await readStatements(primary);
  const last = new Map(
    (await db.query<{ key: string; calls: string }>(LAST_RECORDED_SQL, [primary.id])).rows.map((row) => [row.key, { calls: Number(row.calls) }]),
  );
  const kept = selectSnapshotRows(
    reading.statements.map((statement) => ({ ...statement, key: statementKey(statement) })),
    last,
  );

  await ensurePartitionFor(db, 'statement_snapshots', at);
  await withControlTransaction(async (client) => {
    const texts = new Map(kept.map((statement) => [statement.statementHash, statement.query]));
    await client.query(INSERT_TEXTS_SQL, [[...texts.keys()], [...texts.values()]]);
    await client.query(INSERT_SNAPSHOT_ROWS_SQL, [at, shard.id, primary.id, JSON.stringify(kept.map(snapshotRow))]);
    await client.query(INSERT_SNAPSHOT_RUN_SQL, [at, shard.id, primary.id, reading.measuredAt, reading.statements.length, kept.length, reading.dealloc, reading.statsReset]);
    await client.query(UPSERT_LAST_RECORDED_SQL, [
      primary.id,
      at,
      JSON.stringify(kept.map(({ queryid, username, dbname, toplevel, calls }) => ({ queryid, username, dbname, toplevel, calls }))),
    ]);
  });
  return { shardId: shard.id, nodeId: primary.id, at: at.toISOString(), statementsSeen: reading.statements.length, statementsKept: kept.length };
}
