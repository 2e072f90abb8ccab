import { describe, expect, it } from 'vitest';
import { bucketGrid, chooseStepSeconds, MAX_POINTS_PER_SERIES, topSeries, toSeries } from '@/lib/history/history-model';
import { RANGE_SECONDS } from '@/lib/history/history-types';

describe('history bucketing', () => {
  it('keeps every range within about 500 points and never below the sampling interval', () => {
    for (const range of Object.values(RANGE_SECONDS)) {
      for (const interval of [2, 15, 60]) {
        const step = chooseStepSeconds(range, interval);
        expect(step).toBeGreaterThanOrEqual(interval);
        expect(range / step).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
      }
    }
    expect(chooseStepSeconds(3600, 15)).toBe(15);
    expect(chooseStepSeconds(7 * 86400, 15)).toBe(1800);
  });

  it('aligns the grid to the epoch like date_bin and covers the bucket holding the end', () => {
    const grid = bucketGrid(new Date('2026-11-22T10:00:07Z'), new Date('2026-11-22T10:01:01Z'), 15);
    expect(grid.map((at) => at.toISOString().slice(11, 19))).toEqual(['10:00:00', '10:00:15', '10:00:30', '10:00:45', '10:01:00']);
  });

  it('turns missing buckets and down buckets into null points (gaps), never zeros', () => {
    const grid = bucketGrid(new Date('2026-11-22T10:00:00Z'), new Date('2026-11-22T10:00:45Z'), 15);
    const series = toSeries(
      [
        { bucket: grid[0], seriesKey: 'node-a', value: 3 },
        { bucket: grid[1], seriesKey: 'node-a', value: null },
        { bucket: grid[3], seriesKey: 'node-a', value: 5 },
      ],
      grid,
      new Map([['node-a', 'node-a (primary)']]),
    );
    expect(series).toHaveLength(1);
    expect(series[0].label).toBe('node-a (primary)');
    expect(series[0].points.map((point) => point.value)).toEqual([3, null, null, 5]);
  });

  it('orders known series as labelled and keeps the busiest tenants', () => {
    const grid = [new Date('2026-11-22T10:00:00Z')];
    const rows = [
      { bucket: grid[0], seriesKey: 'b', value: 1 },
      { bucket: grid[0], seriesKey: 'a', value: 9 },
      { bucket: grid[0], seriesKey: 'z', value: 4 },
    ];
    const series = toSeries(rows, grid, new Map([['b', 'B'], ['a', 'A']]));
    expect(series.map((entry) => entry.key)).toEqual(['b', 'a', 'z']);
    expect(topSeries(series, 2).map((entry) => entry.key)).toEqual(['a', 'z']);
  });
});
