import type pg from 'pg';
import { ensurePartitionFor } from './partitions';
import type { SampleRow } from './sample-rows';

/**
 * Writes one job's samples in one statement. ON CONFLICT DO NOTHING on
 * (scope, slot): a retried job, or a second worker on the same slot, adds
 * nothing. The count of rows actually inserted tells a retry from a first run.
 */
export const INSERT_SAMPLES_SQL = `
  insert into metric_samples (at, measured_at, kind, shard_id, node_id, pool, tenant_id, up, v, error, worker_id)
  select at, measured_at, kind, shard_id, node_id, pool, tenant_id, up, v, error, $11
  from unnest($1::timestamptz[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::boolean[], $9::jsonb[], $10::text[])
    as s (at, measured_at, kind, shard_id, node_id, pool, tenant_id, up, v, error)
  on conflict do nothing`;

export interface InsertReport {
  rows: number;
  inserted: number;
}

export async function insertSamples(db: Pick<pg.ClientBase, 'query'>, rows: readonly SampleRow[], workerId: string | null): Promise<InsertReport> {
  if (rows.length === 0) return { rows: 0, inserted: 0 };
  const days = new Set(rows.map((row) => row.at.toISOString().slice(0, 10)));
  for (const day of days) await ensurePartitionFor(db, 'metric_samples', new Date(`${day}T00:00:00Z`));
  const result = await db.query(INSERT_SAMPLES_SQL, [
    rows.map((row) => row.at),
    rows.map((row) => row.measuredAt),
    rows.map((row) => row.kind),
    rows.map((row) => row.shardId),
    rows.map((row) => row.nodeId),
    rows.map((row) => row.pool),
    rows.map((row) => row.tenantId),
    rows.map((row) => row.up),
    rows.map((row) => (row.v === null ? null : JSON.stringify(row.v))),
    rows.map((row) => row.error),
    workerId,
  ]);
  return { rows: rows.length, inserted: result.rowCount ?? 0 };
}
