import { describe, expect, it } from 'vitest';
import { detailSourceText, formatMs, formatShare, lowHitRatio, parameterCountOf, reportSourceText, rowsText, statementPreview } from '@/components/queries/statement-figures-view';
import type { StatementFigures } from '@/lib/statements/statements-model';

const figures = (overrides: Partial<StatementFigures> = {}): StatementFigures => ({
  calls: 10,
  totalTimeMs: 50,
  meanTimeMs: 5,
  stddevTimeMs: null,
  rows: 200,
  rowsPerCall: 20,
  sharedBlksHit: 900,
  sharedBlksRead: 100,
  hitPct: 90,
  ioTimeMs: 0,
  tempBlks: 0,
  walBytes: 0,
  ...overrides,
});

describe('statement figures as the operator reads them', () => {
  it('writes durations compactly and a missing one as a dash, never 0', () => {
    expect(formatMs(0.4)).toBe('400 µs');
    expect(formatMs(12)).toBe('12 ms');
    expect(formatMs(3200)).toBe('3.2 s');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(0)).toBe('0 ms');
  });

  it('does not round a tiny share of statement time down to 0 %', () => {
    expect(formatShare(0.0004)).toBe('< 0.1 %');
    expect(formatShare(0.256)).toBe('25.6 %');
    expect(formatShare(0)).toBe('0 %');
  });

  it('shows rows with the per-call figure when it exists', () => {
    expect(rowsText(figures())).toBe('200 (20/call)');
    expect(rowsText(figures({ rowsPerCall: null }))).toBe('200');
  });

  it('flags a low hit ratio only on a statement that reads a lot', () => {
    expect(lowHitRatio(figures())).toBe(true);
    expect(lowHitRatio(figures({ sharedBlksHit: 9, sharedBlksRead: 1 }))).toBe(false);
    expect(lowHitRatio(figures({ hitPct: null }))).toBe(false);
  });

  it('collapses a multi-line statement into one cut line', () => {
    expect(statementPreview('select *\n  from orders\n where id = $1')).toBe('select * from orders where id = $1');
    expect(statementPreview('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('says when the figures are cumulative because no snapshot covers the window', () => {
    expect(reportSourceText({ window: '1h', source: 'live', from: null, to: '2025-01-01T00:00:00Z' })).toMatch(/no snapshot covers the last hour/);
    expect(reportSourceText({ window: 'reset', source: 'live', from: null, to: '2025-01-01T00:00:00Z' })).toMatch(/since each node's last statistics reset/);
    expect(reportSourceText({ window: '24h', source: 'snapshots', from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' })).toMatch(/^Deltas between/);
  });

  it("says a statement page's figures are cumulative, and the charts wait, when no snapshot covers the range", () => {
    expect(detailSourceText({ range: '6h', source: 'live', from: null, to: '2025-01-01T00:00:00Z' })).toMatch(/no snapshot covers the last 6 hours yet.*charts wait/);
    expect(detailSourceText({ range: '1h' })).toMatch(/^Deltas between the worker's snapshots over the last hour\.$/);
  });

  it('counts $n parameters by the highest n, not inside strings or comments', () => {
    expect(parameterCountOf('select * from t where a = $1 and b = $2 and c = $1')).toBe(2);
    expect(parameterCountOf("select '$9' as x, \"$8\" from t -- $7\n where a = $1 /* $6 */")).toBe(1);
    expect(parameterCountOf('select 1')).toBe(0);
  });
});
