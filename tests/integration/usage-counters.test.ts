import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleetFile } from '@/lib/fleet/fleet-file';
import { secondsToNextUtcHour } from '@/lib/tenants/api-limit';
import { createUsageCounters, type ControlQueryable } from '@/lib/tenants/usage-counters';
import { USAGE_BUCKET_TTL_SECONDS, tenantUsageKey } from '@/lib/tenants/usage-keys';
import { fleetFilePath } from './sandbox';
import { withControl } from './workers';

/**
 * The apps' counters client against the integration sandbox's Redis and
 * control DB: what it writes is exactly the documented hash, and the hourly
 * API limit holds under parallel checks from several app instances.
 */

const FREE_LIMIT = 1000;
const tenants = Array.from({ length: 6 }, (_, index) => ({ id: randomUUID(), name: `itcounters-${Date.now().toString(36)}-${index}` }));
const [recorded, sequential, parallel, tierEdit, flaky, unknownTenant] = tenants.map((tenant) => tenant.id);

/** A clock the test moves: a minute into the current UTC hour, so advancing it never leaves the hour. */
const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const clock = { now: hourStart + 60_000 };
const now = () => new Date(clock.now);

const fleet = readFleetFile(fleetFilePath);
let redis: Redis;
let control: pg.Pool;

const bucket = async (tenantId: string) => redis.hgetall(tenantUsageKey(tenantId, now()));

describe('usage counters client for apps', () => {
  beforeAll(async () => {
    redis = new Redis(fleet.redis.url);
    control = new pg.Pool({ connectionString: fleet.control.url, max: 3 });
    await withControl((client) =>
      client.query(
        `insert into tenants (id, name, tier, shard_id)
         select id, name, 'free', 'shard-1' from unnest($1::uuid[], $2::text[]) as t (id, name)`,
        [tenants.map((tenant) => tenant.id), tenants.map((tenant) => tenant.name)],
      ),
    );
    await withControl(async (client) => {
      const { rows } = await client.query(`select max_api_calls_per_hour::int as limit from tier_limits where tier = 'free'`);
      expect(rows[0].limit).toBe(FREE_LIMIT);
    });
  });

  afterAll(async () => {
    await withControl((client) => client.query('delete from tenants where id = any($1::uuid[])', [tenants.map((tenant) => tenant.id)]));
    await redis.del(...tenants.map((tenant) => tenantUsageKey(tenant.id, now())));
    redis.disconnect();
    await control.end();
  });

  it('writes cache, API and refusal counters into the documented hourly hash, with its TTL, in one round trip', async () => {
    const counters = createUsageCounters({ redis, control, now });
    const sent: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      sent.push(command.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof redis.sendCommand;
    try {
      await counters.record(recorded, { cache_hit: 7, cache_miss: 2, cache_set: 2, cache_invalidate: 1, api_calls: 9, rate_limited: 3 });
    } finally {
      redis.sendCommand = send;
    }
    // A pipeline writes all of its commands in one go and reads the replies together.
    expect(sent).toEqual(['hincrby', 'hincrby', 'hincrby', 'hincrby', 'hincrby', 'hincrby', 'expire']);
    const key = `shardscope:usage:{${recorded}}:${now().toISOString().slice(0, 13).replace(/[-T]/g, '')}`;
    expect(await redis.hgetall(key)).toEqual({
      cache_hit: '7', cache_miss: '2', cache_set: '2', cache_invalidate: '1', api_calls: '9', rate_limited: '3',
    });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(USAGE_BUCKET_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(USAGE_BUCKET_TTL_SECONDS);
  });

  it('allows calls up to the tier limit, then refuses with the seconds to the next hour and counts each refusal', async () => {
    const counters = createUsageCounters({ redis, control, now });
    await counters.record(sequential, { api_calls: FREE_LIMIT - 3 });
    const decisions = [];
    for (let call = 0; call < 5; call += 1) decisions.push(await counters.checkTenantApiLimit(sequential));
    expect(decisions.map((decision) => [decision.allowed, decision.used])).toEqual([
      [true, FREE_LIMIT - 2], [true, FREE_LIMIT - 1], [true, FREE_LIMIT], [false, FREE_LIMIT], [false, FREE_LIMIT],
    ]);
    expect(decisions[3]).toEqual({ allowed: false, used: FREE_LIMIT, limit: FREE_LIMIT, retryAfterSeconds: secondsToNextUtcHour(now()) });
    expect(decisions[0].retryAfterSeconds).toBe(0);
    expect(await bucket(sequential)).toMatchObject({ api_calls: String(FREE_LIMIT), rate_limited: '2' });
    expect(await redis.ttl(tenantUsageKey(sequential, now()))).toBeGreaterThan(USAGE_BUCKET_TTL_SECONDS - 60);
  });

  it('checks with one Redis round trip once the tenant limit is cached', async () => {
    const counters = createUsageCounters({ redis, control, now });
    await counters.checkTenantApiLimit(recorded); // loads the limit (and the script, on a fresh Redis)
    const sent: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      sent.push(command.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof redis.sendCommand;
    try {
      for (let call = 0; call < 5; call += 1) await counters.checkTenantApiLimit(recorded);
    } finally {
      redis.sendCommand = send;
    }
    expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
  });

  it('never lets parallel checks from several app instances push api_calls past the limit', async () => {
    const secondInstance = new Redis(fleet.redis.url);
    try {
      const apps = [createUsageCounters({ redis, control, now }), createUsageCounters({ redis: secondInstance, control, now })];
      await apps[0].record(parallel, { api_calls: FREE_LIMIT - 20 });
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, call) => apps[call % 2].checkTenantApiLimit(parallel)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(20);
      expect(Math.max(...decisions.map((decision) => decision.used))).toBe(FREE_LIMIT);
      expect(await bucket(parallel)).toMatchObject({ api_calls: String(FREE_LIMIT), rate_limited: '30' });
    } finally {
      secondInstance.disconnect();
    }
  });

  it('applies an edited tier limit once the cached limit has expired', async () => {
    const counters = createUsageCounters({ redis, control, now, limitCacheTtlMs: 5_000 });
    await counters.record(tierEdit, { api_calls: FREE_LIMIT });
    expect(await counters.checkTenantApiLimit(tierEdit)).toMatchObject({ allowed: false, limit: FREE_LIMIT });
    await withControl((client) => client.query(`update tier_limits set max_api_calls_per_hour = $1 where tier = 'free'`, [FREE_LIMIT + 500]));
    try {
      clock.now += 4_000;
      expect(await counters.checkTenantApiLimit(tierEdit)).toMatchObject({ allowed: false, limit: FREE_LIMIT });
      clock.now += 1_000;
      expect(await counters.checkTenantApiLimit(tierEdit)).toMatchObject({ allowed: true, used: FREE_LIMIT + 1, limit: FREE_LIMIT + 500 });
    } finally {
      await withControl((client) => client.query(`update tier_limits set max_api_calls_per_hour = $1 where tier = 'free'`, [FREE_LIMIT]));
    }
    expect(await bucket(tierEdit)).toMatchObject({ api_calls: String(FREE_LIMIT + 1), rate_limited: '2' });
  });

  it('keeps enforcing the last known limit while the control DB is down, and fails open for a tenant never seen', async () => {
    let controlDown = false;
    const flakyControl: ControlQueryable = {
      query: ((...args: Parameters<pg.Pool['query']>) => {
        if (controlDown) return Promise.reject(new Error('connect ECONNREFUSED'));
        return (control.query as (...a: unknown[]) => unknown)(...args);
      }) as ControlQueryable['query'],
    };
    const counters = createUsageCounters({ redis, control: flakyControl, now, limitCacheTtlMs: 1_000 });
    await counters.record(flaky, { api_calls: FREE_LIMIT - 1 });
    expect(await counters.checkTenantApiLimit(flaky)).toMatchObject({ allowed: true, limit: FREE_LIMIT });
    controlDown = true;
    clock.now += 2_000;
    expect(await counters.checkTenantApiLimit(flaky)).toMatchObject({ allowed: false, limit: FREE_LIMIT });
    const failOpen = await counters.checkTenantApiLimit(unknownTenant);
    expect(failOpen).toMatchObject({ allowed: true, used: 1, limit: null, retryAfterSeconds: 0 });
    expect(await bucket(unknownTenant)).toMatchObject({ api_calls: '1' });
  });

  it('refuses a malformed tenant id before touching Redis', async () => {
    const counters = createUsageCounters({ redis, control, now });
    await expect(counters.checkTenantApiLimit('not-a-uuid')).rejects.toThrow(/not a tenant id/);
  });
});
