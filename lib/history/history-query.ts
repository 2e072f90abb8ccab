import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { getFleet } from '@/lib/fleet/topology';
import { bucketGrid, chooseStepSeconds, topSeries, toSeries, type BucketRow } from './history-model';
import { rawHistorySql, rollupHistorySql, type SeriesLevel } from './history-sql';
import { HISTORY_TO_FUTURE_TOLERANCE_SECONDS, RANGE_SECONDS, type HistoryRange, type HistoryResponse } from './history-types';
import { findMetric, METRIC_NAMES, type MetricDefinition } from './metrics';

/**
 * GET /api/history: one metric over a range for a scope, bucketed server-side
 * (date_bin) to at most ~500 points per series, nulls where nothing was
 * sampled or the node was down.
 */

export interface HistoryRequest {
  metric: string;
  range: HistoryRange;
  shardId?: string;
  nodeId?: string;
  tenantId?: string;
  /** ISO 8601: the range ends here instead of now (a past incident's charts). */
  to?: string;
}

/** Per-tenant metrics over every tenant show the busiest ones only. */
const TOP_TENANT_SERIES = 10;

/** Hourly rollups: their buckets can be no finer than an hour. */
const ROLLUP_STEP_SECONDS = 3600;

/** Samples before the range that give its first sample a predecessor (counters need two). */
const LOOK_BACK_INTERVALS = 3;

export const TENANT_NAMES_SQL = `select id::text as id, name from tenants where id = any($1::uuid[])`;

interface ResolvedScope {
  level: SeriesLevel;
  labels: Map<string, string>;
}

function badRequest(field: string, message: string): ApiError {
  return new ApiError('bad_request', message, field);
}

/** Checks the scope against the fleet file and the metric's kind; names the field at fault. */
export function resolveScope(metric: MetricDefinition, request: HistoryRequest): ResolvedScope {
  const fleet = getFleet();
  const shard = request.shardId === undefined ? undefined : fleet.shards.find((candidate) => candidate.id === request.shardId);
  if (request.shardId !== undefined && !shard) throw badRequest('shardId', `no shard "${request.shardId}" in the fleet`);
  if (request.nodeId !== undefined) {
    const shards = shard ? [shard] : fleet.shards;
    if (!shards.some((candidate) => candidate.nodes.some((node) => node.id === request.nodeId))) {
      throw badRequest('nodeId', `no node "${request.nodeId}"${shard ? ` in shard ${shard.id}` : ' in the fleet'}`);
    }
    if (metric.kind === 'pool') throw badRequest('nodeId', `${metric.name} is measured per PgBouncer pool of a shard, not per node: use shardId`);
  }
  if (request.tenantId !== undefined && metric.kind !== 'tenant') {
    throw badRequest('tenantId', `${metric.name} is not a per-tenant metric (tenant metrics: tenant_sessions, tenant_active_seconds)`);
  }

  const labels = new Map<string, string>();
  if (metric.kind === 'tenant') return { level: 'tenant', labels };
  if (request.nodeId !== undefined || (shard && metric.kind !== 'pool')) {
    for (const candidate of shard ? [shard] : fleet.shards) {
      for (const node of candidate.nodes) labels.set(node.id, `${node.id} (${node.role})`);
    }
    return { level: 'node', labels };
  }
  if (shard) return { level: 'pool', labels };
  for (const candidate of fleet.shards) labels.set(candidate.id, candidate.name ?? candidate.id);
  return { level: 'shard', labels };
}

interface BucketQueryRow {
  bucket: Date;
  series_key: string;
  value: number | null;
}

async function tenantLabels(tenantIds: string[]): Promise<Map<string, string>> {
  if (tenantIds.length === 0) return new Map();
  const { rows } = await getControlPool().query<{ id: string; name: string }>(TENANT_NAMES_SQL, [tenantIds]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

export interface HistoryClock {
  now: Date;
  /** Raw samples older than this many days are gone: ranges reaching past it read the hourly rollups. */
  rawRetentionDays: number;
  /** Hourly rollups older than this many days are gone too: a range may not end before that. */
  rollupRetentionDays: number;
}

/**
 * Where a range ends: now, or `to` when it is given. A `to` up to a minute
 * ahead (a client clock running fast) reads as now; further ahead, or before
 * anything is kept (the rollup retention), is a 400 naming `to`.
 */
export function rangeEnd(to: string | undefined, now: Date, rollupRetentionDays: number): Date {
  if (to === undefined) return now;
  const end = new Date(to);
  if (Number.isNaN(end.getTime())) throw badRequest('to', 'to must be an ISO 8601 time');
  if (end.getTime() > now.getTime() + HISTORY_TO_FUTURE_TOLERANCE_SECONDS * 1000) {
    throw badRequest('to', `to ${to} is in the future; leave it out to end the range now`);
  }
  if (end.getTime() < now.getTime() - rollupRetentionDays * 86_400_000) {
    throw badRequest('to', `to ${to} is older than the ${rollupRetentionDays} days of history kept`);
  }
  return end.getTime() > now.getTime() ? now : end;
}

export async function getHistory(request: HistoryRequest, clock: Partial<HistoryClock> = {}): Promise<HistoryResponse> {
  const metric = findMetric(request.metric);
  if (!metric) throw badRequest('metric', `unknown metric "${request.metric}"; one of: ${METRIC_NAMES.join(', ')}`);
  const scope = resolveScope(metric, request);
  const env = getFleetEnv();
  const now = clock.now ?? new Date();
  const rawRetentionDays = clock.rawRetentionDays ?? env.SHARDSCOPE_RAW_RETENTION_DAYS;
  const end = rangeEnd(request.to, now, clock.rollupRetentionDays ?? env.SHARDSCOPE_ROLLUP_RETENTION_DAYS);

  const rangeSeconds = RANGE_SECONDS[request.range];
  const from = new Date(end.getTime() - rangeSeconds * 1000);
  // Retention counts from now, wherever the range ends.
  const source = from.getTime() < now.getTime() - rawRetentionDays * 86_400_000 ? 'rollup' : 'raw';
  const stepSeconds = chooseStepSeconds(rangeSeconds, source === 'rollup' ? ROLLUP_STEP_SECONDS : env.SHARDSCOPE_SAMPLE_INTERVAL_S);
  const grid = bucketGrid(from, end, stepSeconds);
  const gridStart = grid[0];
  const scopeValues = [request.shardId ?? null, request.nodeId ?? null, request.tenantId ?? null];

  let rows: BucketQueryRow[];
  try {
    const result =
      source === 'raw'
        ? await getControlPool().query<BucketQueryRow>(rawHistorySql(metric, scope.level), [
            metric.kind,
            gridStart,
            end,
            stepSeconds,
            LOOK_BACK_INTERVALS * env.SHARDSCOPE_SAMPLE_INTERVAL_S,
            ...scopeValues,
          ])
        : await getControlPool().query<BucketQueryRow>(rollupHistorySql(metric, scope.level), [metric.name, gridStart, end, stepSeconds, ...scopeValues]);
    rows = result.rows;
    if (scope.level === 'tenant') scope.labels = await tenantLabels([...new Set(rows.map((row) => row.series_key))]);
  } catch (error) {
    throw new ApiError('unavailable', `metric history is unavailable: control database ${describeNodeError(error)}`);
  }

  const bucketRows: BucketRow[] = rows.map((row) => ({ bucket: row.bucket, seriesKey: row.series_key, value: row.value }));
  let series = toSeries(bucketRows, grid, scope.labels);
  // The fleet view shows the shards of today's fleet file, not every shard ever sampled.
  if (scope.level === 'shard') series = series.filter((entry) => scope.labels.has(entry.key));
  if (scope.level === 'tenant' && request.tenantId === undefined) series = topSeries(series, TOP_TENANT_SERIES);
  return {
    metric: metric.name,
    unit: metric.unit,
    label: metric.label,
    stepSeconds,
    from: gridStart.toISOString(),
    to: end.toISOString(),
    source,
    series,
  };
}
