import { describe, expect, it } from 'vitest';
import { MAX_MOVERS, selectSnapshotRows, TOP_BY_TOTAL_TIME } from '@/lib/history/statement-movers';

const statement = (key: string, calls: number, totalExecTimeMs: number) => ({ key, calls, totalExecTimeMs });

describe('which statements a snapshot keeps', () => {
  it('keeps statements whose calls changed (a drop is a reset) and drops the unchanged ones', () => {
    const statements = Array.from({ length: TOP_BY_TOTAL_TIME }, (_, index) => statement(`top-${index}`, 1, 1000 + index));
    statements.push(statement('moved', 12, 5), statement('still', 7, 5), statement('reset', 2, 1), statement('new', 1, 1));
    const last = new Map([
      ['moved', { calls: 10 }],
      ['still', { calls: 7 }],
      ['reset', { calls: 500 }],
    ]);
    const kept = selectSnapshotRows(statements, last).map((entry) => entry.key);
    expect(kept).toHaveLength(TOP_BY_TOTAL_TIME + 3);
    expect(kept).toEqual(expect.arrayContaining(['moved', 'reset', 'new']));
    expect(kept).not.toContain('still');
  });

  it('is bounded whatever the number of statements', () => {
    const statements = Array.from({ length: 5000 }, (_, index) => statement(`s-${index}`, index + 1, index));
    expect(selectSnapshotRows(statements, new Map())).toHaveLength(TOP_BY_TOTAL_TIME + MAX_MOVERS);
  });
});
