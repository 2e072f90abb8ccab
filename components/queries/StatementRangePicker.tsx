'use client';

import { STATEMENT_RANGES, type StatementRange } from '@/lib/statements/statements-model';

/** 1h · 6h · 24h · 7d for the statement's charts and figures; the parent keeps it in the URL. */
export function StatementRangePicker({ range, busy, onChange }: { range: StatementRange; busy: boolean; onChange: (range: StatementRange) => void }) {
  return (
    <div className="range-picker" role="group" aria-label="Statement range" data-testid="range-picker" aria-busy={busy}>
      {STATEMENT_RANGES.map((option) => (
        <button key={option} type="button" aria-pressed={option === range} onClick={() => onChange(option)}>
          {option}
        </button>
      ))}
    </div>
  );
}
