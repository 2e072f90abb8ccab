import { describe, expect, it } from 'vitest';
import { tenantUsageKey, tenantUsageKeysForHours, usageHourBucket } from '@/lib/tenants/usage-keys';

const tenant = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('usage keys', () => {
  it('buckets by the full UTC hour, so the same hour on two days never collides', () => {
    const today = tenantUsageKey(tenant, new Date('2026-11-21T10:15:00Z'));
    const yesterday = tenantUsageKey(tenant, new Date('2026-11-20T10:15:00Z'));
    expect(today).toBe(`shardscope:usage:{${tenant}}:2026112110`);
    expect(today).not.toBe(yesterday);
  });

  it('uses UTC whatever the local offset of the timestamp', () => {
    expect(usageHourBucket(new Date('2026-11-21T01:30:00+05:00'))).toBe('2026112020');
  });

  it('lists the last N hourly keys oldest first, crossing midnight', () => {
    const keys = tenantUsageKeysForHours(tenant, new Date('2026-11-21T01:00:00Z'), 3);
    expect(keys.map((key) => key.slice(-10))).toEqual(['2026112023', '2026112100', '2026112101']);
  });

  it('refuses a tenant id that would break the hash tag', () => {
    expect(() => tenantUsageKey('a}b', new Date())).toThrow(/invalid tenant id/);
  });
});
