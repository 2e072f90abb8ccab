import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { findShard, primaryOf } from '@/lib/fleet/topology';
import { STALE_AFTER_INTERVALS } from '@/lib/history/worker-status-model';
import type { TenantLayout } from '@/lib/tenants/tenant-model';
import type { BalanceWindow } from './balance-url-view';
import {
  PLANNER_TENANTS_SQL,
  PRIMARY_FILESYSTEM_SQL,
  PRIMARY_LATEST_SAMPLE_SQL,
  PRIMARY_STATEMENT_TIME_SQL,
  PRIMARY_TRENDS_SQL,
  SHARDS_SQL,
} from './balance-sql';
import type { PlannerShard, PlannerTenant, ShardStatus } from './rebalance-model';

/**
 * Loads what the balance page, the planner and new-tenant placement work
 * from: the directory with each tenant's measured bytes and sampled load, and
 * per shard its status, freshness and the primary's numbers over a window.
 * Control DB only (balance-sql.ts); the pure functions beside it do the math.
 */

export const WINDOW_SECONDS: Record<BalanceWindow, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};

export type BalanceTenant = PlannerTenant & { layout: TenantLayout };

/** One shard's primary over the window; null where nothing was sampled. */
export interface ShardNumbers {
  shardId: string;
  name: string;
  status: ShardStatus;
  /** Down, not sampled for three intervals, or not in the fleet file: its numbers are not now. */
  stale: boolean;
  commitsPerSecond: number | null;
  statementSecondsPerSecond: number | null;
  connectionsUsed: number | null;
  connectionsMax: number | null;
  connectionsPerDay: number | null;
  /** What the data filesystem holds now when host metrics exist, else the database size. */
  bytesNow: number | null;
  bytesPerDay: number | null;
  capacityBytes: number | null;
}

export interface BalanceData {
  tenants: BalanceTenant[];
  shards: PlannerShard[];
  numbers: ShardNumbers[];
}

interface ShardRow {
  id: string;
  name: string;
  status: ShardStatus;
}

interface TenantRow {
  tenant_id: string;
  name: string;
  shard_id: string;
  status: PlannerTenant['status'];
  pinned: boolean;
  layout: TenantLayout;
  bytes: number;
  load: number;
}

interface LatestSampleRow {
  shard_id: string;
  up: boolean;
  age_seconds: number;
  connections_used: number | null;
  connections_max: number | null;
  db_size_bytes: number | null;
}

interface TrendRow {
  shard_id: string;
  commits_per_second: number | null;
  connections_per_day: number | null;
  bytes_per_day: number | null;
}

interface FilesystemRow {
  shard_id: string;
  fs_size_bytes: number | null;
  fs_avail_bytes: number | null;
}

interface StatementTimeRow {
  shard_id: string;
  statement_seconds_per_second: number | null;
}

/** A sample older than this says nothing about now (same rule as the worker status: one late round is not an outage). */
export function staleAfterSeconds(intervalSeconds: number): number {
  return STALE_AFTER_INTERVALS * intervalSeconds + 5;
}

/** A shard's primary node id from the fleet file; null for a shard the file no longer lists. */
function primaryNodeId(shardId: string): string | null {
  const shard = findShard(shardId);
  return shard ? primaryOf(shard).id : null;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

async function loadShardRows(): Promise<ShardRow[]> {
  return (await getControlPool().query<ShardRow>(SHARDS_SQL)).rows;
}

async function loadTenants(windowSeconds: number): Promise<BalanceTenant[]> {
  const { rows } = await getControlPool().query<TenantRow>(PLANNER_TENANTS_SQL, [windowSeconds]);
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    name: row.name,
    shardId: row.shard_id,
    bytes: row.bytes,
    load: row.load,
    pinned: row.pinned,
    status: row.status,
    layout: row.layout,
  }));
}

/** Freshness only: what placement and the planner need besides the tenants. */
async function loadLatestSamples(primaries: [string, string][], windowSeconds: number): Promise<Map<string, LatestSampleRow>> {
  const { rows } = await getControlPool().query<LatestSampleRow>(PRIMARY_LATEST_SAMPLE_SQL, [
    primaries.map(([shardId]) => shardId),
    primaries.map(([, nodeId]) => nodeId),
    windowSeconds,
  ]);
  return new Map(rows.map((row) => [row.shard_id, row]));
}

async function loadFilesystems(primaries: [string, string][], windowSeconds: number): Promise<Map<string, FilesystemRow>> {
  const { rows } = await getControlPool().query<FilesystemRow>(PRIMARY_FILESYSTEM_SQL, [
    primaries.map(([shardId]) => shardId),
    primaries.map(([, nodeId]) => nodeId),
    windowSeconds,
  ]);
  return new Map(rows.map((row) => [row.shard_id, row]));
}

async function loadTrends(primaries: [string, string][], windowSeconds: number): Promise<Map<string, TrendRow>> {
  const { rows } = await getControlPool().query<TrendRow>(PRIMARY_TRENDS_SQL, [
    primaries.map(([shardId]) => shardId),
    primaries.map(([, nodeId]) => nodeId),
    windowSeconds,
  ]);
  return new Map(rows.map((row) => [row.shard_id, row]));
}

async function loadStatementTime(primaries: [string, string][], windowSeconds: number): Promise<Map<string, StatementTimeRow>> {
  const { rows } = await getControlPool().query<StatementTimeRow>(PRIMARY_STATEMENT_TIME_SQL, [
    primaries.map(([shardId]) => shardId),
    primaries.map(([, nodeId]) => nodeId),
    windowSeconds,
  ]);
  return new Map(rows.map((row) => [row.shard_id, row]));
}

function isStale(sample: LatestSampleRow | undefined, intervalSeconds: number): boolean {
  return !sample || !sample.up || sample.age_seconds > staleAfterSeconds(intervalSeconds);
}

export interface LoadOptions {
  windowSeconds: number;
  /** Also load the primaries' trends and statement time (the balance page); the planner and placement skip them. */
  withTrends: boolean;
}

/**
 * Tenants and shards as the planner sees them, plus per-shard numbers.
 * Capacity is the primary's data filesystem when host metrics report it,
 * else unbounded (null).
 */
export async function loadBalanceData({ windowSeconds, withTrends }: LoadOptions): Promise<BalanceData> {
  const intervalSeconds = getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  const shardRows = await loadShardRows();
  const primaries = shardRows.flatMap((shard): [string, string][] => {
    const nodeId = primaryNodeId(shard.id);
    return nodeId ? [[shard.id, nodeId]] : [];
  });
  // Sequential: a page's load should take one pooled control connection, not the whole pool.
  const tenants = await loadTenants(windowSeconds);
  const latest = await loadLatestSamples(primaries, windowSeconds);
  const filesystems = await loadFilesystems(primaries, windowSeconds);
  const trends = withTrends ? await loadTrends(primaries, windowSeconds) : new Map<string, TrendRow>();
  const statementTime = withTrends ? await loadStatementTime(primaries, windowSeconds) : new Map<string, StatementTimeRow>();

  const numbers = shardRows.map((shard): ShardNumbers => {
    const sample = latest.get(shard.id);
    const filesystem = filesystems.get(shard.id);
    const trend = trends.get(shard.id);
    const fsSize = finiteOrNull(filesystem?.fs_size_bytes);
    const fsAvail = finiteOrNull(filesystem?.fs_avail_bytes);
    const sampleValues = sample?.up ? sample : undefined;
    return {
      shardId: shard.id,
      name: shard.name,
      status: shard.status,
      stale: isStale(sample, intervalSeconds),
      commitsPerSecond: finiteOrNull(trend?.commits_per_second),
      statementSecondsPerSecond: finiteOrNull(statementTime.get(shard.id)?.statement_seconds_per_second),
      connectionsUsed: finiteOrNull(sampleValues?.connections_used),
      connectionsMax: finiteOrNull(sampleValues?.connections_max),
      connectionsPerDay: finiteOrNull(trend?.connections_per_day),
      bytesNow: fsSize !== null && fsAvail !== null ? fsSize - fsAvail : finiteOrNull(sampleValues?.db_size_bytes),
      bytesPerDay: finiteOrNull(trend?.bytes_per_day),
      capacityBytes: fsSize,
    };
  });

  const shards = numbers.map((shard): PlannerShard => ({
    shardId: shard.shardId,
    status: shard.status,
    capacityBytes: shard.capacityBytes,
    stale: shard.stale,
  }));
  return { tenants, shards, numbers };
}
