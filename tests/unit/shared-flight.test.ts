import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { flightKeys } from '@/lib/fleet/flight-keys';
import { decodeClaim, encodeResult, RedisOutageLog, SharedFlight } from '@/lib/fleet/shared-flight';

/** Fakes stand in for Redis only where the behaviour under test is ours: key naming, freshness, fallback. */

const redisDown = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
const redisHanging = () => new Promise<Redis>(() => {});

/** A Redis whose claim script always answers with a result another instance stored. */
function redisSharing(value: unknown, remainingMs: number): { redis: () => Promise<Redis>; claims: () => number } {
  const json = encodeResult(value, new Date('2026-11-22T10:00:00Z'));
  let claims = 0;
  const fake = {
    status: 'ready',
    eval: async () => {
      claims += 1;
      return ['shared', json, remainingMs];
    },
  };
  return { redis: async () => fake as unknown as Redis, claims: () => claims };
}

function silentLog(): { log: RedisOutageLog; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { log: new RedisOutageLog((line) => warnings.push(line), (line) => infos.push(line)), warnings, infos };
}

describe('flight keys', () => {
  it('names a result and its lock under one hash tag, per read', () => {
    expect(flightKeys('shard-activity', 'shard-1')).toEqual({
      result: 'shardscope:flight:shard-activity:{shard-1}',
      lock: 'shardscope:flight:shard-activity:{shard-1}:lock',
    });
    expect(flightKeys('shard-pools', 'shard-1').result).not.toBe(flightKeys('shard-replication', 'shard-1').result);
  });

  it('refuses a key that would break the hash tag', () => {
    expect(() => flightKeys('shard-pools', 'a}b')).toThrow(/invalid single-flight key/);
    expect(() => flightKeys('shard-pools', '')).toThrow(/invalid single-flight key/);
  });
});

describe('claim replies', () => {
  it('reuses a shared result for what is left of its life, never longer than the TTL', () => {
    const json = encodeResult({ shards: 2 }, new Date('2026-11-22T10:00:00Z'));
    expect(decodeClaim(['shared', json, 300], 1000)).toEqual({ kind: 'shared', value: { shards: 2 }, freshForMs: 300 });
    expect(decodeClaim(['shared', json, 60_000], 1000)).toMatchObject({ freshForMs: 1000 });
  });

  it('stores when the value was produced next to it', () => {
    expect(JSON.parse(encodeResult(7, new Date('2026-11-22T10:00:00Z')))).toEqual({ producedAt: '2026-11-22T10:00:00.000Z', value: 7 });
  });

  it('tells a taken lock from a claimed one, and rejects anything else', () => {
    expect(decodeClaim(['claimed'], 1000)).toEqual({ kind: 'claimed' });
    expect(decodeClaim(['wait'], 1000)).toEqual({ kind: 'wait' });
    expect(() => decodeClaim('OK', 1000)).toThrow(/unexpected reply/);
    expect(() => decodeClaim(['shared', 'not json', 10], 1000)).toThrow();
  });
});

describe('SharedFlight without a usable Redis', () => {
  it('loads on its own and still coalesces in-process when Redis refuses connections', async () => {
    const { log } = silentLog();
    const flight = new SharedFlight<number>('fleet-overview', 1000, { redis: redisDown, outageLog: log });
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 7;
    };
    const values = await Promise.all(Array.from({ length: 10 }, () => flight.run('fleet', load)));
    expect(values).toEqual(Array(10).fill(7));
    expect(loads).toBe(1);
    expect(await flight.run('fleet', load)).toBe(7);
    expect(loads).toBe(1);
  });

  it('gives up on a Redis that does not answer after the step timeout, not the node timeout', async () => {
    const { log } = silentLog();
    const flight = new SharedFlight<string>('fleet-overview', 1000, { redis: redisHanging, redisStepTimeoutMs: 100, outageLog: log });
    const started = performance.now();
    expect(await flight.run('fleet', async () => 'loaded')).toBe('loaded');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(400);
  });

  it('does not cache a failure', async () => {
    const { log } = silentLog();
    const flight = new SharedFlight<string>('fleet-overview', 60_000, { redis: redisDown, outageLog: log });
    await expect(flight.run('fleet', () => Promise.reject(new Error('node down')))).rejects.toThrow('node down');
    expect(await flight.run('fleet', async () => 'recovered')).toBe('recovered');
  });

  it('reuses a result inside the TTL and loads again after it', async () => {
    let clock = 0;
    const { log } = silentLog();
    const flight = new SharedFlight<number>('fleet-overview', 1000, { redis: redisDown, now: () => clock, outageLog: log });
    let loads = 0;
    const load = async () => ++loads;
    expect(await flight.run('fleet', load)).toBe(1);
    clock = 999;
    expect(await flight.run('fleet', load)).toBe(1);
    clock = 1000;
    expect(await flight.run('fleet', load)).toBe(2);
  });

  it('hands every caller the value as it would read back from Redis', async () => {
    const { log } = silentLog();
    const flight = new SharedFlight<{ at: unknown; gone?: unknown }>('fleet-overview', 1000, { redis: redisDown, outageLog: log });
    const value = await flight.run('fleet', async () => ({ at: new Date('2026-11-22T10:00:00Z'), gone: undefined }));
    expect(value).toStrictEqual({ at: '2026-11-22T10:00:00.000Z' });
  });
});

describe('SharedFlight with a result shared by another instance', () => {
  it('uses it without loading, and asks again once its remaining life is over', async () => {
    let clock = 0;
    const { log } = silentLog();
    const shared = redisSharing('from instance B', 300);
    const flight = new SharedFlight<string>('shard-activity', 1000, { redis: shared.redis, now: () => clock, outageLog: log });
    let loads = 0;
    const load = async () => `loaded ${++loads}`;
    expect(await flight.run('shard-1', load)).toBe('from instance B');
    clock = 299;
    expect(await flight.run('shard-1', load)).toBe('from instance B');
    expect(shared.claims()).toBe(1);
    clock = 300;
    expect(await flight.run('shard-1', load)).toBe('from instance B');
    expect(shared.claims()).toBe(2);
    expect(loads).toBe(0);
  });
});

describe('Redis outage log', () => {
  it('warns once per outage however many runs fall back, and notes the recovery once', async () => {
    const { log, warnings, infos } = silentLog();
    const flight = new SharedFlight<number>('fleet-overview', 0, { redis: redisDown, outageLog: log });
    for (let run = 0; run < 5; run += 1) await flight.run('fleet', async () => run);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ECONNREFUSED/);
    log.worked();
    log.worked();
    expect(infos).toHaveLength(1);
    log.failed(new Error('again'));
    expect(warnings).toHaveLength(2);
  });
});
