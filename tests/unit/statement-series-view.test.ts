import { describe, expect, it } from 'vitest';
import { seriesDomain, toStatementSeries } from '@/components/queries/statement-series-view';

describe('statement series as chart rows', () => {
  it('orders points by time and counts only intervals with calls', () => {
    const chart = toStatementSeries([
      { at: '2025-01-01T00:10:00Z', calls: 0, totalTimeMs: 0, meanTimeMs: null },
      { at: '2025-01-01T00:05:00Z', calls: 4, totalTimeMs: 20, meanTimeMs: 5 },
    ]);
    expect(chart.rows.map((row) => row.at)).toEqual([Date.parse('2025-01-01T00:05:00Z'), Date.parse('2025-01-01T00:10:00Z')]);
    expect(chart.pointCount).toBe(1);
    // No call: the mean stays a gap, not a drop to zero.
    expect(chart.rows[1].meanTimeMs).toBeNull();
  });

  it('has nothing to draw before the first snapshot', () => {
    expect(toStatementSeries([])).toEqual({ rows: [], pointCount: 0, fromMs: null, toMs: null });
  });

  it('spans the whole range up to now on the time axis', () => {
    const now = Date.parse('2025-01-01T01:00:00Z');
    expect(seriesDomain(toStatementSeries([]), '1h', now)).toEqual([now - 3_600_000, now]);
  });
});
