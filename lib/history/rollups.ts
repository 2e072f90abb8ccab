import type pg from 'pg';
import { rollupHourSql } from './history-sql';
import { METRICS } from './metrics';
import { ensurePartitionFor } from './partitions';

/**
 * Hourly rollups: each metric's per-sample value over one hour, per scope,
 * as avg/min/max/sum. Recomputing an hour replaces its rows, so the job can
 * safely redo the last few hours (a late, retried sample is folded in).
 */

const HOUR_MS = 3_600_000;

export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** Complete hours to (re)compute at `now`: the previous `count`, oldest first. */
export function hoursToRollUp(now: Date, count: number): Date[] {
  const current = hourStart(now).getTime();
  return Array.from({ length: count }, (_, index) => new Date(current - (count - index) * HOUR_MS));
}

export interface RollupReport {
  hour: string;
  rows: number;
}

export async function rollUpHour(db: Pick<pg.ClientBase, 'query'>, hour: Date, sampleIntervalSeconds: number): Promise<RollupReport> {
  await ensurePartitionFor(db, 'metric_rollups', hour);
  let rows = 0;
  for (const metric of METRICS.values()) {
    const result = await db.query(rollupHourSql(metric), [metric.name, metric.kind, hour, 3 * sampleIntervalSeconds]);
    rows += result.rowCount ?? 0;
  }
  return { hour: hour.toISOString(), rows };
}
