import { describe, expect, it } from 'vitest';
import {
  formatHitRate,
  formatUsagePercent,
  peakLimitView,
  toUsageHoursChart,
  usageAmountText,
  usageBar,
} from '@/lib/tenants/usage-bar-view';

describe('usage bars', () => {
  it('marks 80 % of a limit as near and 100 % as over, in words as well as colour', () => {
    expect(usageBar(79, 100)).toMatchObject({ state: 'ok', tone: 'ok', stateText: null });
    expect(usageBar(80, 100)).toMatchObject({ state: 'near', tone: 'warn', stateText: 'near limit', percentText: '80 %' });
    expect(usageBar(100, 100)).toMatchObject({ state: 'over', tone: 'bad', stateText: 'over limit', percentText: '100 %' });
  });

  it('stops the bar at the end of its track when usage is past the limit', () => {
    expect(usageBar(250, 100).widthPercent).toBe(100);
    expect(usageBar(250, 100).percentText).toBe('250 %');
  });

  it('shows unknown usage as an empty neutral bar, never as 0 %', () => {
    expect(usageBar(null, 100)).toMatchObject({ state: 'unknown', tone: 'neutral', widthPercent: 0, percentText: '—' });
  });

  it('gives a little usage a visible sliver and a percentage that is not rounded up to the limit', () => {
    expect(usageBar(1, 10_000).widthPercent).toBe(1);
    expect(formatUsagePercent(0.997)).toBe('99 %');
    expect(formatUsagePercent(0.0456)).toBe('4.5 %');
    expect(formatUsagePercent(0.00001)).toBe('<0.1 %');
    expect(formatUsagePercent(0)).toBe('0 %');
  });

  it('writes amounts in the unit of the limit', () => {
    expect(usageAmountText('storage', 1.5 * 1024 ** 3, 5 * 1024 ** 3)).toBe('1.5 GiB / 5.0 GiB');
    expect(usageAmountText('apiCalls', 950, 1000)).toBe('950 / 1k');
    expect(usageAmountText('users', null, 5)).toBe('— / 5');
  });

  it('names the closest limit of a directory row', () => {
    expect(peakLimitView({ kind: 'users', ratio: 1 })).toMatchObject({ label: 'users', state: 'over', percentText: '100 %', stateText: 'over limit' });
    expect(peakLimitView(null)).toBeNull();
  });
});

describe('cache hit rates', () => {
  it('reads "—" without cache traffic, never "0 %"', () => {
    expect(formatHitRate(null)).toBe('—');
    expect(formatHitRate(0)).toBe('0 %');
    expect(formatHitRate(0.9734)).toBe('97.3 %');
  });
});

describe('hourly usage chart', () => {
  const hour = (index: number, counts: Partial<Record<'apiCalls' | 'rateLimited' | 'cacheHit' | 'cacheMiss' | 'cacheSet' | 'cacheInvalidate', number>>) => ({
    hour: new Date(Date.UTC(2026, 0, 1, index)).toISOString(),
    apiCalls: 0,
    rateLimited: 0,
    cacheHit: 0,
    cacheMiss: 0,
    cacheSet: 0,
    cacheInvalidate: 0,
    cacheHitRate: counts.cacheHit || counts.cacheMiss ? (counts.cacheHit ?? 0) / ((counts.cacheHit ?? 0) + (counts.cacheMiss ?? 0)) : null,
    ...counts,
  });

  it('keeps an hour without lookups as a gap in the hit rate and counts the hours with traffic', () => {
    const chart = toUsageHoursChart([hour(0, {}), hour(1, { cacheHit: 3, cacheMiss: 1 }), hour(2, { cacheSet: 2, apiCalls: 5 }), hour(3, { rateLimited: 1 })]);
    expect(chart.rows.map((row) => row.cacheHitPercent)).toEqual([null, 75, null, null]);
    expect(chart.cacheHours).toBe(2);
    expect(chart.apiHours).toBe(2);
    expect(chart.rows[1].at).toBe(Date.UTC(2026, 0, 1, 1));
  });
});
