import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getControlPool } from '@/lib/control/db';
import { getFleet } from '@/lib/fleet/topology';
import { latestCountersSync, syncTenantCounters, utcHourStart } from '@/lib/tenants/counters-sync';
import { tenantUsageKey } from '@/lib/tenants/usage-keys';
import { withControl } from './workers';

/**
 * The counters mirror against the sandbox's Redis and control DB, in process.
 * Each sync is given its time explicitly (a few ms apart, all in the current
 * UTC hour, and one an hour back), so no test straddles an hour by accident.
 */

const BUSY = 'c0a70000-0000-4000-8000-000000000001';
const QUIET = 'c0a70000-0000-4000-8000-000000000002';
const LAST_HOUR = 'c0a70000-0000-4000-8000-000000000003';
const ON_SHARD_2 = 'c0a70000-0000-4000-8000-000000000004';

const shard = (id: string) => getFleet().shards.find((candidate) => candidate.id === id)!;
const HOUR_MS = 3_600_000;
let redis: Redis;
let start: Date;
let tick = 0;
/** The next sync's time: start + n ms, all in start's hour. */
const nextTime = () => new Date(start.getTime() + ++tick);

interface MirrorRow {
  hour: Date;
  api_calls: string;
  rate_limited: string;
  cache_hit: string;
  cache_miss: string;
  synced_at: Date;
}

async function mirror(tenantId: string): Promise<MirrorRow | undefined> {
  return withControl(
    async (client) =>
      (await client.query<MirrorRow>('select hour, api_calls, rate_limited, cache_hit, cache_miss, synced_at from tenant_hour_usage where tenant_id = $1', [tenantId]))
        .rows[0],
  );
}

describe('counters mirror sync', () => {
  beforeAll(async () => {
    // Leave room before the next hour: the tests' syncs are a few ms apart, the hour must hold them all.
    const untilNextHour = HOUR_MS - (Date.now() % HOUR_MS);
    if (untilNextHour < 15_000) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 100));
    start = new Date();
    redis = new Redis(getFleet().redis.url);
    await withControl((client) =>
      client.query(
        `insert into tenants (id, name, tier, shard_id)
         select id, name, 'free', shard_id from unnest($1::uuid[], $2::text[], $3::text[]) as t (id, name, shard_id)`,
        [
          [BUSY, QUIET, ON_SHARD_2],
          ['counters busy', 'counters quiet', 'counters on shard 2'],
          ['shard-1', 'shard-1', 'shard-2'],
        ],
      ),
    );
  });

  afterAll(async () => {
    await redis.call('client', 'unpause').catch(() => {});
    redis.disconnect();
  });

  it('mirrors this hour’s counters written with HINCRBY, and zeros for a tenant without any', async () => {
    const key = tenantUsageKey(BUSY, start);
    await redis.hincrby(key, 'api_calls', 42);
    await redis.hincrby(key, 'rate_limited', 2);
    await redis.hincrby(key, 'cache_hit', 30);
    await redis.hincrby(key, 'cache_miss', 10);
    const at = nextTime();
    const report = await syncTenantCounters(shard('shard-1'), at);
    await syncTenantCounters(shard('shard-2'), at);

    expect(report).toMatchObject({ shardId: 'shard-1', hour: utcHourStart(start).toISOString() });
    expect(report.tenants).toBeGreaterThanOrEqual(2);
    expect(await mirror(BUSY)).toEqual({ hour: utcHourStart(start), api_calls: '42', rate_limited: '2', cache_hit: '30', cache_miss: '10', synced_at: at });
    expect(await mirror(QUIET)).toMatchObject({ hour: utcHourStart(start), api_calls: '0', cache_hit: '0', cache_miss: '0' });
    expect(await latestCountersSync(getControlPool())).toEqual(at);
  });

  it('follows a change, rewriting only the rows that changed while the sync time still advances', async () => {
    await redis.hincrby(tenantUsageKey(BUSY, start), 'api_calls', 8);
    const quietBefore = await mirror(QUIET);
    const at = nextTime();
    const report = await syncTenantCounters(shard('shard-1'), at);
    await syncTenantCounters(shard('shard-2'), at);

    expect(report.tenantsChanged).toBe(1);
    expect(await mirror(BUSY)).toMatchObject({ api_calls: '50', synced_at: at });
    // Unchanged: not rewritten, so its row still says when it last changed.
    expect(await mirror(QUIET)).toEqual(quietBefore);
    expect(await latestCountersSync(getControlPool())).toEqual(at);
  });

  it('does not count a previous hour’s calls as this hour’s', async () => {
    // A tenant new to the mirror, so the sync of the previous hour comes first for it.
    await withControl((client) => client.query(`insert into tenants (id, name, tier, shard_id) values ($1, 'counters last hour', 'free', 'shard-1')`, [LAST_HOUR]));
    const lastHour = new Date(start.getTime() - HOUR_MS);
    await redis.hincrby(tenantUsageKey(LAST_HOUR, lastHour), 'api_calls', 500);
    // The sync that ran during the previous hour (for the other tenants, an older read that changes nothing).
    await syncTenantCounters(shard('shard-1'), lastHour);
    expect(await mirror(LAST_HOUR)).toMatchObject({ hour: utcHourStart(lastHour), api_calls: '500' });

    // This hour, no traffic yet: the row keeps its old hour, which the directory reads as 0 this hour.
    await syncTenantCounters(shard('shard-1'), nextTime());
    const quietHour = await mirror(LAST_HOUR);
    expect(quietHour!.hour).not.toEqual(utcHourStart(start));
    const { rows } = await getControlPool().query('select api_calls from tenant_hour_usage where tenant_id = $1 and hour = $2', [LAST_HOUR, utcHourStart(start)]);
    expect(rows).toHaveLength(0);

    await redis.hincrby(tenantUsageKey(LAST_HOUR, start), 'api_calls', 3);
    await syncTenantCounters(shard('shard-1'), nextTime());
    expect(await mirror(LAST_HOUR)).toMatchObject({ hour: utcHourStart(start), api_calls: '3' });
  });

  it('fails when Redis does not answer and leaves the mirror as it was', async () => {
    const before = await mirror(BUSY);
    const shardSync = async () =>
      (await getControlPool().query('select synced_at, tenants_changed from tenant_counter_syncs where shard_id = $1', ['shard-1'])).rows[0];
    const syncedBefore = await shardSync();
    await redis.hincrby(tenantUsageKey(BUSY, start), 'api_calls', 1);
    // Every other client's commands wait 4 s: longer than the 1.5 s command timeout.
    await redis.call('client', 'pause', '4000', 'ALL');
    try {
      await expect(syncTenantCounters(shard('shard-1'), nextTime())).rejects.toThrow();
    } finally {
      await redis.call('client', 'unpause');
    }
    expect(await mirror(BUSY)).toEqual(before);
    expect(await shardSync()).toEqual(syncedBefore);

    // Back: the next sync catches up.
    await syncTenantCounters(shard('shard-1'), nextTime());
    expect(await mirror(BUSY)).toMatchObject({ api_calls: '51' });
  });
});
