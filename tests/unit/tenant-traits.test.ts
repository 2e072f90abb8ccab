import { describe, expect, it } from 'vitest';
import { buildDemoTenants, mulberry32, tenantSizeRows } from '@/lib/demo/tenant-profiles';
import {
  tenantCacheHitRate,
  tenantPeakApiCallsPerHour,
  tenantRunawayCallsPerHour,
  weightedTenantPicker,
} from '@/lib/demo/tenant-traits';

const SHARDS = ['shard-1', 'shard-2'];
const tenants = buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42 });
const FREE_CALLS_PER_HOUR = 1000;

describe('tenant cache hit rate', () => {
  it('is a stable trait of the tenant id', () => {
    expect(tenantCacheHitRate(tenants[0].id)).toBe(tenantCacheHitRate(tenants[0].id));
  });

  it('is healthy for most tenants and poor for a few', () => {
    const rates = tenants.map((tenant) => tenantCacheHitRate(tenant.id));
    const poor = rates.filter((rate) => rate < 0.5).length;
    expect(poor).toBeGreaterThan(0);
    expect(poor).toBeLessThan(tenants.length * 0.15);
    for (const rate of rates) expect(rate >= 0.2 && rate <= 0.97).toBe(true);
  });
});

describe('tenant API call rate', () => {
  it('gives a few tenants a runaway client of 1,500–5,000 calls an hour, whatever their size', () => {
    const runaway = tenants.map((tenant) => tenantRunawayCallsPerHour(tenant.id)).filter((calls) => calls > 0);
    expect(runaway.length).toBeGreaterThan(tenants.length * 0.03);
    expect(runaway.length).toBeLessThan(tenants.length * 0.15);
    for (const calls of runaway) expect(calls >= 1_500 && calls <= 5_000).toBe(true);
  });

  it('puts about one free tenant in ten over the free tier limit at its peak', () => {
    const free = tenants.filter((tenant) => tenant.tier === 'free');
    const over = free.filter((tenant) => tenantPeakApiCallsPerHour(tenant.id, tenantSizeRows(tenant.rows)) > FREE_CALLS_PER_HOUR);
    expect(over.length).toBeGreaterThanOrEqual(free.length * 0.04);
    expect(over.length).toBeLessThanOrEqual(free.length * 0.2);
  });
});

describe('weighted tenant picker', () => {
  it('sends more traffic to tenants that call the API more', () => {
    const candidates = tenants.map((tenant) => ({ id: tenant.id, sizeRows: tenantSizeRows(tenant.rows) }));
    const busiest = candidates.reduce((a, b) => (tenantPeakApiCallsPerHour(a.id, a.sizeRows) >= tenantPeakApiCallsPerHour(b.id, b.sizeRows) ? a : b));
    const quietest = candidates.reduce((a, b) => (tenantPeakApiCallsPerHour(a.id, a.sizeRows) <= tenantPeakApiCallsPerHour(b.id, b.sizeRows) ? a : b));
    const pick = weightedTenantPicker([busiest, quietest], mulberry32(5));
    let busiestPicks = 0;
    for (let draw = 0; draw < 10_000; draw += 1) if (pick().id === busiest.id) busiestPicks += 1;
    expect(busiestPicks / 10_000).toBeGreaterThan(0.95);
  });

  it('still reaches every tenant of a generated directory', () => {
    const small = buildDemoTenants({ count: 30, shardIds: SHARDS, seed: 9 }).map((tenant) => ({
      id: tenant.id,
      sizeRows: tenantSizeRows(tenant.rows),
    }));
    const pick = weightedTenantPicker(small, mulberry32(11));
    const seen = new Set<string>();
    for (let draw = 0; draw < 50_000; draw += 1) seen.add(pick().id);
    expect(seen.size).toBe(30);
  });

  it('refuses an empty tenant list', () => {
    expect(() => weightedTenantPicker([], Math.random)).toThrow(/no tenants/);
  });
});
