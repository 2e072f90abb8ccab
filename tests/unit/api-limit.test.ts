import { describe, expect, it } from 'vitest';
import { assertCallCount, secondsToNextUtcHour, toApiLimitDecision } from '@/lib/tenants/api-limit';
import { TenantLimitCache } from '@/lib/tenants/api-limit-cache';

describe('retry after a refused API call', () => {
  it('counts the seconds to the next UTC hour', () => {
    expect(secondsToNextUtcHour(new Date('2026-11-21T09:59:30Z'))).toBe(30);
    expect(secondsToNextUtcHour(new Date('2026-11-21T09:15:00Z'))).toBe(2700);
  });

  it('rounds a partial second up, so the retry never lands in the old hour', () => {
    expect(secondsToNextUtcHour(new Date('2026-11-21T09:59:58.200Z'))).toBe(2);
  });

  it('gives a full hour at the top of the hour and never 0', () => {
    expect(secondsToNextUtcHour(new Date('2026-11-21T10:00:00.000Z'))).toBe(3600);
    expect(secondsToNextUtcHour(new Date('2026-11-21T10:59:59.999Z'))).toBe(1);
  });

  it('tells an allowed call to go on (retry after 0) and a refused one to wait for the hour', () => {
    const at = new Date('2026-11-21T09:50:00Z');
    expect(toApiLimitDecision([1, 7], 1000, at)).toEqual({ allowed: true, used: 7, limit: 1000, retryAfterSeconds: 0 });
    expect(toApiLimitDecision([0, 1000], 1000, at)).toEqual({ allowed: false, used: 1000, limit: 1000, retryAfterSeconds: 600 });
  });

  it('refuses a batch of zero, negative or fractional calls', () => {
    expect(assertCallCount(3)).toBe(3);
    for (const calls of [0, -1, 1.5, Number.NaN]) expect(() => assertCallCount(calls)).toThrow(/positive integer/);
  });
});

/** A fake clock and a loader whose answers the test scripts. */
function harness(options: { ttlMs?: number; maxTenants?: number; loadTimeoutMs?: number; retryAfterFailureMs?: number } = {}) {
  const clock = { now: 0 };
  const limits = new Map<string, number>([['tenant-a', 1000], ['tenant-b', 20_000]]);
  const calls: string[] = [];
  let behaviour: 'answer' | 'fail' | 'hang' = 'answer';
  const hung: (() => void)[] = [];
  const cache = new TenantLimitCache({
    ...options,
    now: () => clock.now,
    load: (tenantId) => {
      calls.push(tenantId);
      if (behaviour === 'fail') return Promise.reject(new Error('control DB down'));
      if (behaviour === 'hang') return new Promise((resolve) => hung.push(() => resolve(limits.get(tenantId) ?? null)));
      return Promise.resolve(limits.get(tenantId) ?? null);
    },
  });
  return {
    cache,
    clock,
    limits,
    calls,
    setBehaviour: (next: typeof behaviour) => (behaviour = next),
    releaseHung: () => hung.splice(0).forEach((release) => release()),
  };
}

describe('tenant limit cache', () => {
  it('reads a tenant limit once per TTL', async () => {
    const { cache, clock, calls } = harness({ ttlMs: 30_000 });
    expect(await cache.get('tenant-a')).toEqual({ limit: 1000, source: 'fresh' });
    clock.now = 29_999;
    await cache.get('tenant-a');
    expect(calls).toEqual(['tenant-a']);
  });

  it('sees a changed limit once the TTL has passed', async () => {
    const { cache, clock, limits } = harness({ ttlMs: 30_000 });
    await cache.get('tenant-a');
    limits.set('tenant-a', 5000);
    clock.now = 10_000;
    expect((await cache.get('tenant-a')).limit).toBe(1000);
    clock.now = 30_000;
    expect((await cache.get('tenant-a')).limit).toBe(5000);
  });

  it('loads once for a burst of parallel checks', async () => {
    const { cache, calls } = harness();
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('tenant-b')));
    expect(answers.every((answer) => answer.limit === 20_000)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('keeps the last known limit while the control DB fails, and retries only after a pause', async () => {
    const { cache, clock, calls, setBehaviour } = harness({ ttlMs: 30_000, retryAfterFailureMs: 5_000 });
    await cache.get('tenant-a');
    setBehaviour('fail');
    clock.now = 40_000;
    expect(await cache.get('tenant-a')).toEqual({ limit: 1000, source: 'stale' });
    clock.now = 44_000;
    expect(await cache.get('tenant-a')).toEqual({ limit: 1000, source: 'stale' });
    expect(calls).toHaveLength(2);
    setBehaviour('answer');
    clock.now = 45_000;
    expect(await cache.get('tenant-a')).toEqual({ limit: 1000, source: 'fresh' });
    expect(calls).toHaveLength(3);
  });

  it('answers "unknown" for a tenant whose limit was never loaded while the control DB fails', async () => {
    const { cache, setBehaviour } = harness();
    setBehaviour('fail');
    expect(await cache.get('tenant-a')).toEqual({ limit: null, source: 'unknown' });
  });

  it('does not wait on a hung control DB longer than the load timeout, and takes the answer when it lands', async () => {
    const { cache, clock, setBehaviour, releaseHung } = harness({ loadTimeoutMs: 20, retryAfterFailureMs: 5_000 });
    setBehaviour('hang');
    const started = Date.now();
    expect(await cache.get('tenant-a')).toEqual({ limit: null, source: 'unknown' });
    expect(Date.now() - started).toBeLessThan(1_000);
    releaseHung();
    await new Promise((resolve) => setImmediate(resolve));
    clock.now = 1;
    expect(await cache.get('tenant-a')).toEqual({ limit: 1000, source: 'fresh' });
  });

  it('remembers a tenant missing from the directory as having no limit', async () => {
    const { cache, calls } = harness();
    expect(await cache.get('tenant-gone')).toEqual({ limit: null, source: 'fresh' });
    await cache.get('tenant-gone');
    expect(calls).toHaveLength(1);
  });

  it('forgets the least recently checked tenant past its size bound', async () => {
    const { cache, calls } = harness({ maxTenants: 2 });
    await cache.get('tenant-a');
    await cache.get('tenant-b');
    await cache.get('tenant-a'); // a is now the most recent
    await cache.get('tenant-c');
    expect(cache.size).toBe(2);
    await cache.get('tenant-a');
    await cache.get('tenant-b'); // evicted: loaded again
    expect(calls).toEqual(['tenant-a', 'tenant-b', 'tenant-c', 'tenant-b']);
  });
});
