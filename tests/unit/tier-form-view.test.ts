import { describe, expect, it } from 'vitest';
import type { Limits, TierImpact } from '@/lib/tenants/tenant-model';
import {
  asLimitField,
  bytesToStorageInput,
  describeLimitChanges,
  draftFromLimits,
  impactBreakdown,
  impactSentence,
  orderConflictSentence,
  parseTierDraft,
  storageInputToBytes,
} from '@/lib/tenants/tier-form-view';

const FREE: Limits = { maxConnections: 5, maxApiCallsPerHour: 1000, maxStorageBytes: 524_288_000, maxUsers: 5 };

describe('storage in units a person reads', () => {
  it('shows the seeded limits as round binary units', () => {
    expect(bytesToStorageInput(524_288_000)).toEqual({ amount: '500', unit: 'MiB' });
    expect(bytesToStorageInput(5 * 1024 ** 3)).toEqual({ amount: '5', unit: 'GiB' });
    expect(bytesToStorageInput(1.5 * 1024 ** 4)).toEqual({ amount: '1.5', unit: 'TiB' });
  });

  it('does not show a limit below 1 MiB as "0"', () => {
    expect(Number(bytesToStorageInput(1000).amount)).toBeGreaterThan(0);
  });

  it('converts typed amounts to whole bytes', () => {
    expect(storageInputToBytes('1.5', 'GiB')).toBe(1_610_612_736);
    expect(storageInputToBytes('1,024', 'MiB')).toBe(1024 ** 3);
    expect(storageInputToBytes('abc', 'GiB')).toBeNull();
    expect(storageInputToBytes('-1', 'GiB')).toBeNull();
  });
});

describe('tier draft validation (mirrors the server)', () => {
  it('gives back the saved limits for an untouched draft', () => {
    expect(parseTierDraft(draftFromLimits(FREE), FREE)).toEqual({ limits: FREE, errors: {} });
  });

  it('keeps storage bytes exact when the shown amount was rounded and left alone', () => {
    const odd = { ...FREE, maxStorageBytes: 1_325_000_000 };
    const draft = draftFromLimits(odd);
    expect(parseTierDraft({ ...draft, maxUsers: '9' }, odd).limits).toEqual({ ...odd, maxUsers: 9 });
  });

  it('refuses zero, negative, fractional, non-numeric and absurd values, naming the field', () => {
    const draft = draftFromLimits(FREE);
    expect(parseTierDraft({ ...draft, maxUsers: '0' }).errors).toEqual({ maxUsers: 'must be above zero' });
    expect(parseTierDraft({ ...draft, maxConnections: '-3' }).errors).toEqual({ maxConnections: 'must be above zero' });
    expect(parseTierDraft({ ...draft, maxConnections: '2.5' }).errors.maxConnections).toMatch(/whole number/);
    expect(parseTierDraft({ ...draft, maxApiCallsPerHour: 'lots' }).errors.maxApiCallsPerHour).toMatch(/must be a number/);
    expect(parseTierDraft({ ...draft, maxConnections: '10001' }).errors.maxConnections).toMatch(/at most/);
    expect(parseTierDraft({ ...draft, storageAmount: '101', storageUnit: 'TiB' }).errors.maxStorageBytes).toMatch(/at most 100/);
    expect(parseTierDraft({ ...draft, storageAmount: '' }).errors.maxStorageBytes).toBe('required');
    expect(parseTierDraft({ ...draft, maxUsers: '0' }).limits).toBeNull();
  });

  it('accepts thousands separators', () => {
    expect(parseTierDraft({ ...draftFromLimits(FREE), maxApiCallsPerHour: '20,000' }).limits?.maxApiCallsPerHour).toBe(20_000);
  });

  it('maps a server 400 field onto an input only when it is one of the four', () => {
    expect(asLimitField('maxUsers')).toBe('maxUsers');
    expect(asLimitField('tier')).toBeNull();
    expect(asLimitField(undefined)).toBeNull();
  });
});

describe('tier editor sentences', () => {
  const impact: TierImpact = {
    tier: 'free',
    tenants: 12,
    overNow: 1,
    overAfter: 12,
    overAfterByLimit: { connections: 0, apiCalls: 1, storage: 0, users: 12 },
    orderConflicts: [],
  };

  it('previews how many tenants would be over, now and after', () => {
    expect(impactSentence(impact)).toBe('12 of 12 free tenants would be at or over the new limits (now 1)');
    expect(impactBreakdown(impact)).toBe('API calls 1 · users 12');
  });

  it('says before → after per changed limit', () => {
    expect(describeLimitChanges(FREE, { ...FREE, maxUsers: 1, maxStorageBytes: 1024 ** 3 })).toEqual(['storage 500.0 MiB → 1.0 GiB', 'users 5 → 1']);
  });

  it('explains an order conflict in both directions', () => {
    const proposed = { ...FREE, maxUsers: 30 };
    expect(orderConflictSentence('free', proposed, { field: 'maxUsers', otherTier: 'starter', otherValue: 25 })).toBe(
      'users 30 is more than the higher tier starter has (25)',
    );
    expect(orderConflictSentence('starter', { ...FREE, maxUsers: 2 }, { field: 'maxUsers', otherTier: 'free', otherValue: 5 })).toBe(
      'users 2 is less than the lower tier free has (5)',
    );
  });
});
