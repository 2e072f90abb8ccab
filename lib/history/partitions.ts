import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import { expiredPartitions, partitionFor, partitionsAround, type DayPartition } from './partition-plan';

/**
 * Day partitions of the history tables: created ahead of time, dropped whole
 * when past retention (a DROP of one partition instead of a DELETE of
 * millions of rows: no bloat, no vacuum debt, instant).
 */

/** The partitioned history tables and which retention applies to each. */
export const PARTITIONED_TABLES = {
  metric_samples: 'raw',
  statement_snapshots: 'raw',
  statement_snapshot_runs: 'raw',
  metric_rollups: 'rollup',
  // Kept as long as the rollups: the rebalance planner reads tenants' growth from it.
  tenant_usage_samples: 'rollup',
} as const;

export type PartitionedTable = keyof typeof PARTITIONED_TABLES;

/** Days created ahead of today, so midnight never finds an insert without its partition. */
const DAYS_AHEAD = 2;

/** Partitions of a table, by name (pg_inherits: the partitions attached to it). */
export const LIST_PARTITIONS_SQL = `
  select child.relname as name
  from pg_inherits i
  join pg_class child on child.oid = i.inhrelid
  where i.inhparent = to_regclass($1)`;

/** SQLSTATE of "relation already exists": another worker created the same partition first. */
const DUPLICATE_TABLE = '42P07';

type Queryable = Pick<pg.ClientBase, 'query'>;

function createPartitionSql(table: PartitionedTable, partition: DayPartition): string {
  // Identifiers come from PARTITIONED_TABLES and our own date format; quoted anyway.
  return `create table if not exists ${pg.escapeIdentifier(partition.name)}
    partition of ${pg.escapeIdentifier(table)}
    for values from (${pg.escapeLiteral(partition.from.toISOString())}) to (${pg.escapeLiteral(partition.to.toISOString())})`;
}

async function createPartition(db: Queryable, table: PartitionedTable, partition: DayPartition): Promise<void> {
  try {
    await db.query(createPartitionSql(table, partition));
  } catch (error) {
    if ((error as { code?: string }).code !== DUPLICATE_TABLE) throw error;
  }
}

export async function listPartitions(db: Queryable, table: PartitionedTable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(LIST_PARTITIONS_SQL, [table]);
  return rows.map((row) => row.name);
}

/** Creates yesterday's, today's and the next days' partitions of every history table. */
export async function ensurePartitionsAround(db: Queryable, now: Date = new Date()): Promise<void> {
  for (const table of Object.keys(PARTITIONED_TABLES) as PartitionedTable[]) {
    for (const partition of partitionsAround(table, now, 1, DAYS_AHEAD)) await createPartition(db, table, partition);
  }
}

const knownPartitions = new Set<string>();

/** The partition a row at `at` goes to exists (cached per process: one catalog round trip per day). */
export async function ensurePartitionFor(db: Queryable, table: PartitionedTable, at: Date): Promise<void> {
  const partition = partitionFor(table, at);
  if (knownPartitions.has(partition.name)) return;
  await createPartition(db, table, partition);
  knownPartitions.add(partition.name);
}

export interface RetentionReport {
  dropped: string[];
}

function retentionDaysOf(table: PartitionedTable): number {
  const env = getFleetEnv();
  return PARTITIONED_TABLES[table] === 'raw' ? env.SHARDSCOPE_RAW_RETENTION_DAYS : env.SHARDSCOPE_ROLLUP_RETENTION_DAYS;
}

/** Drops every partition past its table's retention. */
export async function dropExpiredPartitions(db: Queryable, now: Date = new Date()): Promise<RetentionReport> {
  const dropped: string[] = [];
  for (const table of Object.keys(PARTITIONED_TABLES) as PartitionedTable[]) {
    const expired = expiredPartitions(table, await listPartitions(db, table), now, retentionDaysOf(table));
    for (const name of expired) {
      await db.query(`drop table if exists ${pg.escapeIdentifier(name)}`);
      knownPartitions.delete(name);
      dropped.push(name);
    }
  }
  return { dropped };
}
