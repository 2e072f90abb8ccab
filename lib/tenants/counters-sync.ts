import type pg from 'pg';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { readCurrentHourCounters, type HourCounters } from './hour-counters';

/**
 * The counters mirror: every sampling interval, one job per shard copies this
 * UTC hour's Redis counters of the shard's tenants into tenant_hour_usage, so
 * the directory can sort and filter 100k tenants on API calls in one indexed
 * control query. Redis stays the source of truth (pages read it live).
 *
 * Writes stay proportional to traffic, not to tenants: a tenant row is
 * rewritten only when its counters changed (or a new hour began with traffic
 * already); a quiet tenant's row keeps the synced_at of its last change. How
 * fresh the mirror is as a whole is one row per shard in
 * tenant_counter_syncs, written by every sync: latestCountersSync() reads it.
 *
 * Redis down: the job fails (pg-boss retries, the next slot tries again) and
 * the mirror keeps its last values; the directory shows how old they are.
 */

/** HMGETs per Redis pipeline, and rows per upsert statement: bounded round trips at 100k tenants. */
export const COUNTERS_PER_CHUNK = 5_000;

const HOUR_MS = 3_600_000;

/** The tenants the control plane routes to one shard. */
const SHARD_TENANT_IDS_SQL = `
  select id::text as id
  from tenants
  where shard_id = $1`;

/**
 * Upserts one chunk of this hour's counters. A row is rewritten only when
 * something changed, and never by an older read (a slow sync finishing after
 * a newer one). A tenant with no traffic yet this hour keeps its older row:
 * a row of another hour counts as 0, just like zeros of this hour would, so
 * the new hour does not rewrite every quiet tenant. Tenants deleted since the
 * read are skipped (join).
 *
 * $1 hour  $2 synced_at  $3 tenant ids  $4 api_calls  $5 rate_limited  $6 cache_hit  $7 cache_miss
 */
const UPSERT_HOUR_USAGE_SQL = `
  insert into tenant_hour_usage as h (tenant_id, hour, api_calls, rate_limited, cache_hit, cache_miss, synced_at)
  select c.tenant_id, $1::timestamptz, c.api_calls, c.rate_limited, c.cache_hit, c.cache_miss, $2::timestamptz
  from unnest($3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
    as c (tenant_id, api_calls, rate_limited, cache_hit, cache_miss)
  join tenants t on t.id = c.tenant_id
  on conflict (tenant_id) do update set
    hour         = excluded.hour,
    api_calls    = excluded.api_calls,
    rate_limited = excluded.rate_limited,
    cache_hit    = excluded.cache_hit,
    cache_miss   = excluded.cache_miss,
    synced_at    = excluded.synced_at
  where h.synced_at < excluded.synced_at
    and (h.hour, h.api_calls, h.rate_limited, h.cache_hit, h.cache_miss)
        is distinct from (excluded.hour, excluded.api_calls, excluded.rate_limited, excluded.cache_hit, excluded.cache_miss)
    and not (h.hour < excluded.hour
             and excluded.api_calls = 0 and excluded.rate_limited = 0
             and excluded.cache_hit = 0 and excluded.cache_miss = 0)`;

/** Records that the shard's counters were confirmed at synced_at (never moved back by an older read). */
const RECORD_SYNC_SQL = `
  insert into tenant_counter_syncs as s (shard_id, hour, synced_at, tenants, tenants_changed)
  values ($1, $2, $3, $4, $5)
  on conflict (shard_id) do update set
    hour            = excluded.hour,
    synced_at       = excluded.synced_at,
    tenants         = excluded.tenants,
    tenants_changed = excluded.tenants_changed
  where s.synced_at <= excluded.synced_at`;

/**
 * How fresh the mirror is: the oldest of the shards' last syncs, over shards
 * that have tenants, so every tenant's mirrored counters are at least this
 * fresh. Null before the first sync. (A sync's hour may be an earlier one:
 * the directory reads only rows of the current hour.)
 */
const LATEST_COUNTERS_SYNC_SQL = `
  select min(s.synced_at) as synced_at
  from tenant_counter_syncs s
  where exists (
    select 1
    from tenants t
    where t.shard_id = s.shard_id
  )`;

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function latestCountersSync(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ synced_at: Date | null }>(LATEST_COUNTERS_SYNC_SQL);
  return rows[0]?.synced_at ?? null;
}

export interface CountersSyncReport {
  shardId: string;
  /** The UTC hour copied. */
  hour: string;
  tenants: number;
  /** Rows written: counters that changed (the rest were already in the mirror). */
  tenantsChanged: number;
  redisMs: number;
  writeMs: number;
  durationMs: number;
}

export function utcHourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

async function upsertChunk(client: pg.PoolClient, hour: Date, syncedAt: Date, ids: readonly string[], counters: Map<string, HourCounters>): Promise<number> {
  const column = (name: keyof HourCounters) => ids.map((id) => counters.get(id)![name]);
  const result = await client.query(UPSERT_HOUR_USAGE_SQL, [
    hour,
    syncedAt,
    ids,
    column('api_calls'),
    column('rate_limited'),
    column('cache_hit'),
    column('cache_miss'),
  ]);
  return result.rowCount ?? 0;
}

/**
 * Copies the current UTC hour's counters of every tenant of `shard` into the
 * mirror. `now` decides the hour (the run's time, not the job's slot: a job
 * picked up late still copies the hour it reads).
 */
export async function syncTenantCounters(shard: ShardConfig, now: Date = new Date()): Promise<CountersSyncReport> {
  const started = performance.now();
  const pool = getControlPool();
  const hour = utcHourStart(now);
  const ids = (await pool.query<{ id: string }>(SHARD_TENANT_IDS_SQL, [shard.id])).rows.map((row) => row.id);
  const idChunks = chunks(ids, COUNTERS_PER_CHUNK);

  // Read everything first: no control transaction stays open while Redis answers.
  const redisStarted = performance.now();
  const counters = new Map<string, HourCounters>();
  for (const chunk of idChunks) {
    for (const [id, values] of await readCurrentHourCounters(chunk, now)) counters.set(id, values);
  }
  const redisMs = Math.round(performance.now() - redisStarted);

  const writeStarted = performance.now();
  const tenantsChanged = await withControlTransaction(async (client) => {
    let changed = 0;
    for (const chunk of idChunks) changed += await upsertChunk(client, hour, now, chunk, counters);
    await client.query(RECORD_SYNC_SQL, [shard.id, hour, now, ids.length, changed]);
    return changed;
  });

  return {
    shardId: shard.id,
    hour: hour.toISOString(),
    tenants: ids.length,
    tenantsChanged,
    redisMs,
    writeMs: Math.round(performance.now() - writeStarted),
    durationMs: Math.round(performance.now() - started),
  };
}
