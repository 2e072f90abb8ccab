import { describe, expect, it } from 'vitest';
import { DEMO_TIERS, buildDemoTenants, tenantSizeRows } from '@/lib/demo/tenant-profiles';
import { tenantSchemaName } from '@/lib/tenants/tenant-schema';

const SHARDS = ['shard-1', 'shard-2'];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('demo tenant directory', () => {
  const tenants = buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42 });

  it('rebuilds the same tenants, ids included, from the same seed', () => {
    expect(buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42 })).toEqual(tenants);
  });

  it('builds a different directory from a different seed', () => {
    const other = buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 43 });
    expect(other.map((tenant) => tenant.id)).not.toEqual(tenants.map((tenant) => tenant.id));
  });

  it('gives every tenant a unique uuid v4-shaped id and a unique readable name', () => {
    expect(new Set(tenants.map((tenant) => tenant.id)).size).toBe(300);
    expect(new Set(tenants.map((tenant) => tenant.name)).size).toBe(300);
    for (const tenant of tenants) {
      expect(tenant.id).toMatch(UUID_V4);
      expect(tenant.name).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
    }
  });

  it('crowds the first of two shards with about 70% of the tenants', () => {
    const onFirst = tenants.filter((tenant) => tenant.shardId === 'shard-1').length;
    expect(onFirst / tenants.length).toBeGreaterThan(0.67);
    expect(onFirst / tenants.length).toBeLessThan(0.73);
  });

  it('follows explicit placement weights across more shards', () => {
    const spread = buildDemoTenants({ count: 200, shardIds: ['a', 'b', 'c', 'd'], seed: 7, placementWeights: [1, 1, 1, 1] });
    for (const shard of ['a', 'b', 'c', 'd']) expect(spread.filter((tenant) => tenant.shardId === shard)).toHaveLength(50);
  });

  it('mixes every tier, mostly free and few enterprise', () => {
    const perTier = Object.fromEntries(DEMO_TIERS.map((tier) => [tier, tenants.filter((tenant) => tenant.tier === tier).length]));
    for (const tier of DEMO_TIERS) expect(perTier[tier]).toBeGreaterThan(0);
    expect(perTier.free).toBeGreaterThan(perTier.starter);
    expect(perTier.starter).toBeGreaterThan(perTier.professional);
    expect(perTier.professional).toBeGreaterThan(perTier.enterprise);
  });

  it('keeps every tier present even in a small directory', () => {
    const small = buildDemoTenants({ count: 8, shardIds: SHARDS, seed: 1 });
    expect(new Set(small.map((tenant) => tenant.tier)).size).toBe(DEMO_TIERS.length);
  });

  it('spreads tenant sizes over at least two orders of magnitude, larger tiers larger', () => {
    const events = tenants.map((tenant) => tenant.rows.events);
    expect(Math.max(...events) / Math.min(...events)).toBeGreaterThanOrEqual(100);
    const medianEvents = (tier: string) => {
      const sorted = tenants.filter((tenant) => tenant.tier === tier).map((tenant) => tenant.rows.events).sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    };
    expect(medianEvents('free')).toBeLessThan(medianEvents('starter'));
    expect(medianEvents('starter')).toBeLessThan(medianEvents('professional'));
    expect(medianEvents('professional')).toBeLessThan(medianEvents('enterprise'));
  });

  it('keeps orders near a quarter of events and every table non-empty', () => {
    for (const tenant of tenants) {
      expect(tenant.rows.app_users).toBeGreaterThanOrEqual(1);
      expect(tenant.rows.orders).toBeGreaterThanOrEqual(1);
      expect(tenant.rows.orders).toBeLessThanOrEqual(Math.ceil(tenant.rows.events * 0.35) + 1);
    }
  });

  it('scales row counts without changing who the tenants are', () => {
    const doubled = buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42, scale: 2 });
    expect(doubled.map((tenant) => tenant.id)).toEqual(tenants.map((tenant) => tenant.id));
    expect(doubled[0].rows.events).toBe(tenants[0].rows.events * 2);
  });

  it('pins a handful of tenants (about 2%), paying tiers first', () => {
    const pinned = tenants.filter((tenant) => tenant.pinned);
    expect(pinned).toHaveLength(6);
    for (const tenant of pinned) expect(['professional', 'enterprise']).toContain(tenant.tier);
  });

  it('puts the four largest enterprise tenants, and only them, in schemas of their own', () => {
    const schemaTenants = tenants.filter((tenant) => tenant.layout === 'schema');
    expect(schemaTenants).toHaveLength(4);
    for (const tenant of schemaTenants) {
      expect(tenant.tier).toBe('enterprise');
      expect(tenant.schemaName).toBe(tenantSchemaName(tenant.id));
    }
    const smallestInSchema = Math.min(...schemaTenants.map((tenant) => tenantSizeRows(tenant.rows)));
    const sharedEnterprise = tenants.filter((tenant) => tenant.tier === 'enterprise' && tenant.layout === 'shared');
    for (const tenant of sharedEnterprise) expect(tenantSizeRows(tenant.rows)).toBeLessThanOrEqual(smallestInSchema);
    for (const tenant of tenants.filter((tenant) => tenant.layout === 'shared')) expect(tenant.schemaName).toBeNull();
  });

  it('chooses the same schema tenants at any scale and on every rebuild', () => {
    const chosen = (list: typeof tenants) => list.filter((tenant) => tenant.layout === 'schema').map((tenant) => tenant.id);
    expect(chosen(buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42, scale: 0.1 }))).toEqual(chosen(tenants));
    expect(chosen(buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42 }))).toEqual(chosen(tenants));
  });

  it('takes as many schema tenants as asked, never more than there are enterprise tenants', () => {
    const small = buildDemoTenants({ count: 8, shardIds: SHARDS, seed: 1 });
    const enterprise = small.filter((tenant) => tenant.tier === 'enterprise').length;
    expect(small.filter((tenant) => tenant.layout === 'schema')).toHaveLength(Math.min(4, enterprise));
    const none = buildDemoTenants({ count: 300, shardIds: SHARDS, seed: 42, schemaTenantCount: 0 });
    expect(none.every((tenant) => tenant.layout === 'shared')).toBe(true);
  });

  it('refuses placement weights that do not match the shards', () => {
    expect(() => buildDemoTenants({ count: 10, shardIds: SHARDS, seed: 1, placementWeights: [1] })).toThrow(/placementWeights/);
  });
});
