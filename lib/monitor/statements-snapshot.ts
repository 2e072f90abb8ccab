import type { NodeConfig } from '@/lib/fleet/fleet-file';
import { queryNode } from '@/lib/fleet/node-pools';
import { SAMPLER_MARKER } from './node-sample';

/**
 * pg_stat_statements of one primary, as cumulative counters per statement,
 * for the worker's snapshots. Read through to_jsonb so the column names of
 * every supported version work (PG 17 renamed blk_read_time to
 * shared_blk_read_time). The text is hashed on the node (md5 of the
 * normalized text: equal across shards, where queryid is not, since it hashes
 * relation OIDs). Healthy: not a number, a baseline for windowed deltas.
 */
export const STATEMENTS_SNAPSHOT_SQL = `/* ${SAMPLER_MARKER} */
  select
    to_jsonb(s) - 'query' as counters,
    md5(s.query) as statement_hash,
    s.query,
    coalesce(r.rolname, s.userid::text) as username,
    coalesce(d.datname, s.dbid::text) as dbname
  from pg_stat_statements(true) s
  left join pg_roles r on r.oid = s.userid
  left join pg_database d on d.oid = s.dbid
  where s.queryid is not null`;

/** Evictions (dealloc) and the last full reset: either starts a new baseline. */
export const STATEMENTS_INFO_SQL = `/* ${SAMPLER_MARKER} */
  select dealloc, stats_reset, clock_timestamp() as measured_at from pg_stat_statements_info`;

export interface StatementReading {
  statementHash: string;
  query: string;
  queryid: string;
  username: string;
  dbname: string;
  toplevel: boolean;
  calls: number;
  totalExecTimeMs: number;
  stddevExecTimeMs: number;
  totalPlanTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  sharedBlksDirtied: number;
  sharedBlksWritten: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  blkReadTimeMs: number;
  blkWriteTimeMs: number;
  walRecords: number;
  walBytes: string;
}

export interface StatementsReading {
  measuredAt: Date;
  dealloc: number | null;
  statsReset: Date | null;
  statements: StatementReading[];
}

type Counters = Record<string, string | number | boolean | null>;

const number = (counters: Counters, ...names: string[]): number => {
  for (const name of names) if (counters[name] != null) return Number(counters[name]);
  return 0;
};

/** Throws when the node does not answer or has no pg_stat_statements: the job fails and is retried. */
export async function readStatements(node: NodeConfig): Promise<StatementsReading> {
  const [info] = await queryNode<{ dealloc: string | null; stats_reset: Date | null; measured_at: Date }>(node, STATEMENTS_INFO_SQL);
  const rows = await queryNode<{ counters: Counters; statement_hash: string; query: string; username: string; dbname: string }>(node, STATEMENTS_SNAPSHOT_SQL);
  return {
    measuredAt: info.measured_at,
    dealloc: info.dealloc === null ? null : Number(info.dealloc),
    statsReset: info.stats_reset,
    statements: rows.map(({ counters, statement_hash, query, username, dbname }) => ({
      statementHash: statement_hash,
      query,
      queryid: String(counters.queryid),
      username,
      dbname,
      toplevel: counters.toplevel !== false,
      calls: number(counters, 'calls'),
      totalExecTimeMs: number(counters, 'total_exec_time'),
      stddevExecTimeMs: number(counters, 'stddev_exec_time'),
      totalPlanTimeMs: number(counters, 'total_plan_time'),
      rows: number(counters, 'rows'),
      sharedBlksHit: number(counters, 'shared_blks_hit'),
      sharedBlksRead: number(counters, 'shared_blks_read'),
      sharedBlksDirtied: number(counters, 'shared_blks_dirtied'),
      sharedBlksWritten: number(counters, 'shared_blks_written'),
      tempBlksRead: number(counters, 'temp_blks_read'),
      tempBlksWritten: number(counters, 'temp_blks_written'),
      blkReadTimeMs: number(counters, 'blk_read_time', 'shared_blk_read_time'),
      blkWriteTimeMs: number(counters, 'blk_write_time', 'shared_blk_write_time'),
      walRecords: number(counters, 'wal_records'),
      walBytes: String(counters.wal_bytes ?? '0'),
    })),
  };
}
