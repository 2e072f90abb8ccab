import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { pad } from './move-stats';
import { RESET_STATEMENTS_SQL, TOP_STATEMENTS_SQL } from './move-sql';
import { withShardAdmin } from './move-shards';

/**
 * Where the shards' time went during a stretch of moves
 * (pg_stat_statements): the phases' hooks say how long a phase took, this
 * says which of its statements took it (a statement's time includes its
 * lock waits).
 */

const STATEMENTS_PER_SHARD = 8;
const STATEMENT_TEXT_CHARS = 110;

export async function resetStatements(shards: readonly ShardConfig[]): Promise<void> {
  for (const shard of shards) await withShardAdmin(shard, (client) => client.query(RESET_STATEMENTS_SQL));
}

export async function topStatementLines(shards: readonly ShardConfig[], moves: number): Promise<string[]> {
  const lines: string[] = [];
  for (const shard of shards) {
    const { rows } = await withShardAdmin(shard, (client) =>
      client.query<{ calls: number; total_ms: number; mean_ms: number; statement: string }>(TOP_STATEMENTS_SQL, [STATEMENTS_PER_SHARD, STATEMENT_TEXT_CHARS]),
    );
    lines.push(`  ${shard.id}:   calls   total ms  per move ms   mean ms   statement`);
    for (const row of rows) {
      lines.push(
        `  ${''.padEnd(shard.id.length)}  ${pad(row.calls, 6)}  ${pad(Math.round(row.total_ms), 9)}  ${pad(Math.round(row.total_ms / moves), 11)}  ${pad(row.mean_ms.toFixed(2), 8)}   ${row.statement}`,
      );
    }
  }
  return lines;
}
