import { ApiError } from '@/lib/api/errors';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError, queryNode } from '@/lib/fleet/node-pools';
import { SingleFlight } from '@/lib/fleet/single-flight';
import { primaryOf } from '@/lib/fleet/topology';
import {
  ADVICE_LIST_LIMIT,
  DEAD_TUPLES_MIN,
  DEAD_TUPLES_MIN_PCT,
  findDuplicateGroups,
  findRedundantIndexes,
  INDEX_ADVICE_RULES,
  NEVER_ANALYZED_MIN_LIVE_ROWS,
  SEQ_SCAN_MIN_RATIO,
  SEQ_SCAN_MIN_ROWS_READ,
  SEQ_SCAN_MIN_TABLE_BYTES,
  toDuplicateAdvice,
  toRedundantAdvice,
  type IndexDefinition,
} from './index-advice-model';
import {
  DEAD_TUPLES_SQL,
  INDEX_DEFINITIONS_SQL,
  INVALID_INDEXES_SQL,
  NEVER_ANALYZED_SQL,
  SEQ_SCAN_HEAVY_SQL,
  STATS_RESET_SQL,
  UNUSED_INDEXES_SQL,
  USED_INDEXES_SQL,
} from './index-advice-sql';
import type { IndexAdvice } from './statements-model';

/**
 * Index advice for one shard, read on its primary through the monitoring
 * connection (catalogs and statistics only: no table data, no DDL). Replicas
 * are asked only whether they scanned an index the primary never did, since
 * idx_scan counts per node.
 *
 * A primary that does not answer is a 503 naming it, after at most one node
 * timeout: the first statement fails and nothing else is tried.
 */

type BigintText = string | number;

interface SeqScanRow {
  table_name: string;
  seq_scan: BigintText;
  seq_tup_read: BigintText;
  idx_scan: BigintText;
  idx_tup_fetch: BigintText;
  table_bytes: BigintText;
  n_live_tup: BigintText;
}

interface UnusedIndexRow {
  index_name: string;
  table_name: string;
  index_bytes: BigintText;
  definition: string;
}

interface IndexDefinitionRow {
  table_name: string;
  index_name: string;
  access_method: string;
  key_columns: string[];
  include_columns: string[];
  opclasses: string[];
  collations: string[];
  options: number[];
  predicate: string | null;
  is_unique: boolean;
  is_primary: boolean;
  backs_constraint: boolean;
  index_bytes: BigintText;
  definition: string;
}

interface InvalidIndexRow {
  index_name: string;
  table_name: string;
  definition: string;
  build_in_progress: boolean;
}

interface DeadTuplesRow {
  table_name: string;
  n_dead_tup: BigintText;
  n_live_tup: BigintText;
  dead_pct: number;
  last_autovacuum: Date | null;
}

interface NeverAnalyzedRow {
  table_name: string;
  n_live_tup: BigintText;
}

function toIndexDefinition(row: IndexDefinitionRow): IndexDefinition {
  return {
    table: row.table_name,
    index: row.index_name,
    accessMethod: row.access_method,
    keyColumns: row.key_columns,
    includeColumns: row.include_columns,
    opclasses: row.opclasses,
    collations: row.collations,
    options: row.options,
    predicate: row.predicate,
    unique: row.is_unique,
    primary: row.is_primary,
    backsConstraint: row.backs_constraint,
    indexBytes: Number(row.index_bytes),
    definition: row.definition,
  };
}

type ReplicaUsage = { nodeId: string; used: string[] } | { nodeId: string; error: string };

/** Never throws: a replica that does not answer is named in replicasNotChecked. */
async function indexesUsedOn(replica: NodeConfig, indexNames: string[]): Promise<ReplicaUsage> {
  try {
    const rows = await queryNode<{ index_name: string }>(replica, USED_INDEXES_SQL, [indexNames]);
    return { nodeId: replica.id, used: rows.map((row) => row.index_name) };
  } catch (error) {
    return { nodeId: replica.id, error: describeNodeError(error) };
  }
}

/** Every primary-side list, one statement at a time: the advice holds at most one of the node's few console connections. */
async function readPrimary(primary: NodeConfig) {
  const [statsReset] = await queryNode<{ stats_reset: Date | null }>(primary, STATS_RESET_SQL);
  const seqScans = await queryNode<SeqScanRow>(primary, SEQ_SCAN_HEAVY_SQL, [SEQ_SCAN_MIN_ROWS_READ, SEQ_SCAN_MIN_RATIO, SEQ_SCAN_MIN_TABLE_BYTES, ADVICE_LIST_LIMIT]);
  const unused = await queryNode<UnusedIndexRow>(primary, UNUSED_INDEXES_SQL, [ADVICE_LIST_LIMIT]);
  const definitions = await queryNode<IndexDefinitionRow>(primary, INDEX_DEFINITIONS_SQL);
  const invalid = await queryNode<InvalidIndexRow>(primary, INVALID_INDEXES_SQL, [ADVICE_LIST_LIMIT]);
  const deadTuples = await queryNode<DeadTuplesRow>(primary, DEAD_TUPLES_SQL, [DEAD_TUPLES_MIN, DEAD_TUPLES_MIN_PCT, ADVICE_LIST_LIMIT]);
  const neverAnalyzed = await queryNode<NeverAnalyzedRow>(primary, NEVER_ANALYZED_SQL, [NEVER_ANALYZED_MIN_LIVE_ROWS, ADVICE_LIST_LIMIT]);
  return { statsReset: statsReset?.stats_reset ?? null, seqScans, unused, definitions, invalid, deadTuples, neverAnalyzed };
}

/** One uncoalesced reading. */
export async function collectIndexAdvice(shard: ShardConfig): Promise<IndexAdvice> {
  const primary = primaryOf(shard);
  let primaryReading: Awaited<ReturnType<typeof readPrimary>>;
  try {
    primaryReading = await readPrimary(primary);
  } catch (error) {
    throw new ApiError('unavailable', `${primary.id} (primary of ${shard.id}) did not answer: ${describeNodeError(error)}`);
  }

  const replicas = shard.nodes.filter((node) => node.role === 'replica');
  const unusedNames = primaryReading.unused.map((row) => row.index_name);
  const usage = unusedNames.length > 0 ? await Promise.all(replicas.map((replica) => indexesUsedOn(replica, unusedNames))) : [];
  const usedOnReplicas = new Set(usage.flatMap((reading) => ('used' in reading ? reading.used : [])));

  const indexes = primaryReading.definitions.map(toIndexDefinition);
  const duplicateGroups = findDuplicateGroups(indexes);

  return {
    shardId: shard.id,
    nodeId: primary.id,
    statsResetAt: primaryReading.statsReset ? new Date(primaryReading.statsReset).toISOString() : null,
    seqScanHeavy: primaryReading.seqScans.map((row) => ({
      table: row.table_name,
      seqScans: Number(row.seq_scan),
      seqTupRead: Number(row.seq_tup_read),
      idxScans: Number(row.idx_scan),
      idxTupFetch: Number(row.idx_tup_fetch),
      tableBytes: Number(row.table_bytes),
      liveTuples: Number(row.n_live_tup),
    })),
    unused: primaryReading.unused
      .filter((row) => !usedOnReplicas.has(row.index_name))
      .map((row) => ({ index: row.index_name, table: row.table_name, indexBytes: Number(row.index_bytes), definition: row.definition })),
    duplicate: toDuplicateAdvice(duplicateGroups).slice(0, ADVICE_LIST_LIMIT),
    redundant: toRedundantAdvice(findRedundantIndexes(indexes, duplicateGroups)).slice(0, ADVICE_LIST_LIMIT),
    invalid: primaryReading.invalid.map((row) => ({
      index: row.index_name,
      table: row.table_name,
      definition: row.definition,
      buildInProgress: row.build_in_progress,
    })),
    deadTuples: primaryReading.deadTuples.map((row) => ({
      table: row.table_name,
      deadTuples: Number(row.n_dead_tup),
      liveTuples: Number(row.n_live_tup),
      deadPct: Number(row.dead_pct),
      lastAutovacuum: row.last_autovacuum ? new Date(row.last_autovacuum).toISOString() : null,
    })),
    neverAnalyzed: primaryReading.neverAnalyzed.map((row) => ({ table: row.table_name, liveTuples: Number(row.n_live_tup) })),
    replicasNotChecked: usage.flatMap((reading) => ('error' in reading ? [{ nodeId: reading.nodeId, reason: reading.error }] : [])),
    rules: INDEX_ADVICE_RULES,
  };
}

/**
 * Concurrent requests for one shard share one reading; nothing is kept after
 * it (TTL 0): the page is opened on demand, not polled, and an operator who
 * just dropped an index expects the next load to show it gone.
 */
const adviceFlight = new SingleFlight<IndexAdvice>(0);

export function getIndexAdvice(shard: ShardConfig): Promise<IndexAdvice> {
  return adviceFlight.run(shard.id, () => collectIndexAdvice(shard));
}
