'use client';

import { STATEMENT_WINDOWS, type StatementWindow } from '@/lib/statements/statements-model';
import { WINDOW_LABELS } from './statements-url-view';

/** 15 min · 1 h · 24 h · 7 d · since reset; the parent keeps the choice in the URL. */
export function WindowPicker({ window, busy, onChange }: { window: StatementWindow; busy: boolean; onChange: (window: StatementWindow) => void }) {
  return (
    <div className="picker-field">
      <span className="subtle">Window</span>
      <div className="range-picker" role="group" aria-label="Statement window" data-testid="window-picker" aria-busy={busy}>
        {STATEMENT_WINDOWS.map((option) => (
          <button key={option} type="button" aria-pressed={option === window} onClick={() => onChange(option)}>
            {WINDOW_LABELS[option]}
          </button>
        ))}
      </div>
    </div>
  );
}
