import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { findShard } from '@/lib/fleet/topology';
import { latestCountersSync } from './counters-sync';
import { decodeCursor, encodeCursor, idPrefixRange, nameSubstringPattern, type DirectoryQuery } from './directory-params';
import { directoryQuery, LIMIT_FILTER_RATIOS } from './directory-search-sql';
import { readCurrentHourCounters, type HourCounters } from './hour-counters';
import { cacheHitRate, peakLimit, type Limits, type TenantDirectoryPage, type TenantDirectoryRow } from './tenant-model';

/**
 * The tenant directory: one control query for the page (filters, sort and
 * keyset on the control DB, usage as last measured or synced), then one
 * pipelined Redis read for the page's live counters. Redis being away costs
 * the counter columns only.
 */

/** A shard's latest sample older than this many intervals no longer says "now". */
const SAMPLE_FRESHNESS_INTERVALS = 3;

interface DirectoryRow {
  id: string;
  name: string;
  tier: TenantDirectoryRow['tier'];
  shard_id: string;
  status: TenantDirectoryRow['status'];
  layout: TenantDirectoryRow['layout'];
  pinned: boolean;
  created_at: Date;
  max_connections: number;
  max_api_calls_per_hour: string;
  max_storage_bytes: string;
  max_users: number;
  storage_bytes: string | null;
  users: number | null;
  storage_measured_at: Date | null;
  sessions_now: string | null;
  sort_value: string;
  sessions_sampled_at: Date | null;
}

function currentHour(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

const toNumberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

function toDirectoryRow(row: DirectoryRow, counters: HourCounters | null): TenantDirectoryRow {
  const limits: Limits = {
    maxConnections: row.max_connections,
    maxApiCallsPerHour: Number(row.max_api_calls_per_hour),
    maxStorageBytes: Number(row.max_storage_bytes),
    maxUsers: row.max_users,
  };
  const storageBytes = toNumberOrNull(row.storage_bytes);
  const sessionsNow = toNumberOrNull(row.sessions_now);
  const apiCallsThisHour = counters ? counters.api_calls : null;
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    shardId: row.shard_id,
    status: row.status,
    layout: row.layout,
    pinned: row.pinned,
    createdAt: row.created_at.toISOString(),
    limits,
    storageBytes,
    storageMeasuredAt: row.storage_measured_at?.toISOString() ?? null,
    users: row.users,
    sessionsNow,
    apiCallsThisHour,
    rateLimitedThisHour: counters ? counters.rate_limited : null,
    cacheLookupsThisHour: counters ? counters.cache_hit + counters.cache_miss : null,
    cacheHitRateThisHour: counters ? cacheHitRate(counters.cache_hit, counters.cache_miss) : null,
    peakLimit: peakLimit({ connections: sessionsNow, apiCalls: apiCallsThisHour, storage: storageBytes, users: row.users }, limits),
  };
}

export async function searchTenantDirectory(query: DirectoryQuery, now: Date = new Date()): Promise<TenantDirectoryPage> {
  if (query.shardId && !findShard(query.shardId)) {
    throw new ApiError('bad_request', `no shard "${query.shardId}" in the fleet`, 'shardId');
  }
  const cursor = query.after ? decodeCursor(query.after, query.sort, query.dir) : null;
  if (query.after && !cursor) {
    throw new ApiError('bad_request', 'not a cursor of this sort and direction: start from the first page', 'after');
  }
  const search = query.q ? query.q : null;
  const { text, values } = directoryQuery({
    sort: query.sort,
    dir: query.dir,
    sampleMaxAgeSeconds: SAMPLE_FRESHNESS_INTERVALS * getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S,
    hour: currentHour(now),
    namePattern: search ? nameSubstringPattern(search) : null,
    idRange: search ? idPrefixRange(search) : null,
    tier: query.tier ?? null,
    shardId: query.shardId ?? null,
    status: query.status ?? null,
    layout: query.layout ?? null,
    minPeakRatio: query.limit ? LIMIT_FILTER_RATIOS[query.limit] : null,
    fetchRows: query.pageSize + 1,
    cursor,
  });
  const pool = getControlPool();
  const [{ rows }, countersSyncedAt] = await Promise.all([pool.query<DirectoryRow>(text, values), latestCountersSync(pool)]);
  const page = rows.slice(0, query.pageSize);

  let counters: Map<string, HourCounters> | null = null;
  try {
    counters = await readCurrentHourCounters(page.map((row) => row.id), now);
  } catch (error) {
    console.warn('[tenants] counters unavailable:', (error as Error).message);
  }

  const last = page.at(-1);
  return {
    tenants: page.map((row) => toDirectoryRow(row, counters ? (counters.get(row.id) ?? null) : null)),
    nextCursor:
      rows.length > query.pageSize && last ? encodeCursor({ sort: query.sort, dir: query.dir, value: last.sort_value, id: last.id }) : null,
    countersAvailable: counters !== null,
    countersSyncedAt: countersSyncedAt?.toISOString() ?? null,
    sessionsSampledAt: rows[0]?.sessions_sampled_at?.toISOString() ?? null,
  };
}
