import { describe, expect, it } from 'vitest';
import { emptyHourCounters } from '@/lib/tenants/hour-counters';
import { cacheHitRate, limitState, peakLimit, usageRatio } from '@/lib/tenants/tenant-model';
import { cacheSummary, sessionTotals, toUsageFigure } from '@/lib/tenants/tenant-usage-model';

const limits = { maxConnections: 5, maxApiCallsPerHour: 1000, maxStorageBytes: 500, maxUsers: 5 };

describe('usage against limits', () => {
  it('calls 80 % near and 100 % over (the limiter stops API calls at the limit)', () => {
    expect(limitState(usageRatio(799, 1000))).toBe('ok');
    expect(limitState(usageRatio(800, 1000))).toBe('near');
    expect(limitState(usageRatio(1000, 1000))).toBe('over');
    expect(limitState(usageRatio(null, 1000))).toBe('unknown');
  });

  it('names the limit the tenant is closest to, ignoring unknown usage', () => {
    expect(peakLimit({ connections: 1, apiCalls: 900, storage: 100, users: null }, limits)).toEqual({ kind: 'apiCalls', ratio: 0.9 });
    expect(peakLimit({ connections: null, apiCalls: null, storage: null, users: null }, limits)).toBeNull();
  });

  it('gives no hit rate without cache traffic, rather than 0 %', () => {
    expect(cacheHitRate(0, 0)).toBeNull();
    expect(cacheHitRate(0, 4)).toBe(0);
    expect(cacheHitRate(3, 1)).toBe(0.75);
  });

  it('keeps a figure unknown when its source is unavailable', () => {
    expect(toUsageFigure(3, 5, { source: 'live', at: null, unavailable: 'shard down' })).toMatchObject({ used: null, ratio: null, state: 'unknown', unavailable: 'shard down' });
    expect(toUsageFigure(4, 5, { source: 'live', at: new Date(0) })).toMatchObject({ used: 4, ratio: 0.8, state: 'near', at: '1970-01-01T00:00:00.000Z' });
  });
});

describe('cache summary and sessions', () => {
  it('sums the day for the 24 h hit rate and takes the last bucket as this hour', () => {
    const hour = (hit: number, miss: number) => ({ hour: new Date(0), counters: { ...emptyHourCounters(), cache_hit: hit, cache_miss: miss } });
    expect(cacheSummary([hour(90, 10), hour(0, 0), hour(5, 15)])).toEqual({ hitRateThisHour: 0.25, hitRate24h: 95 / 120, lookupsThisHour: 20, lookups24h: 120 });
    expect(cacheSummary([hour(1, 0), hour(0, 0)]).hitRateThisHour).toBeNull();
  });

  it('reports a shard with no node answering as down, with unknown numbers', () => {
    const node = (up: boolean, sessions: number) => ({ nodeId: 'n', role: 'primary' as const, up, sessions, active: 1, idleInTransaction: 0, activeSeconds: 2 });
    expect(sessionTotals([node(false, 0), node(false, 0)])).toEqual({ shardDown: true, now: null, active: null, activeSeconds: null });
    expect(sessionTotals([node(true, 3), node(false, 0), node(true, 1)])).toEqual({ shardDown: false, now: 4, active: 2, activeSeconds: 4 });
  });
});
