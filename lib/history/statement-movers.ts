/**
 * Pure: which statements a snapshot keeps. Every statement whose calls
 * changed since its last recorded value (a drop is a reset: it changed too),
 * plus the top ones by total time so the biggest are always present. Bounded:
 * at most TOP_BY_TOTAL_TIME + MAX_MOVERS rows per primary per snapshot.
 */

/** Always kept: the statements that dominate the node's time. */
export const TOP_BY_TOTAL_TIME = 50;
/** Movers kept per snapshot (the largest by total time first); past this, a mover waits for the next snapshot. */
export const MAX_MOVERS = 450;

export interface StatementCounters {
  key: string;
  calls: number;
  totalExecTimeMs: number;
}

export interface LastRecorded {
  calls: number;
}

export function selectSnapshotRows<T extends StatementCounters>(statements: readonly T[], last: ReadonlyMap<string, LastRecorded>): T[] {
  const top = [...statements].sort((a, b) => b.totalExecTimeMs - a.totalExecTimeMs || a.key.localeCompare(b.key)).slice(0, TOP_BY_TOTAL_TIME);
  const kept = new Set(top.map((statement) => statement.key));
  const movers = statements
    .filter((statement) => !kept.has(statement.key) && last.get(statement.key)?.calls !== statement.calls)
    .sort((a, b) => b.totalExecTimeMs - a.totalExecTimeMs || a.key.localeCompare(b.key))
    .slice(0, MAX_MOVERS);
  return [...top, ...movers];
}
