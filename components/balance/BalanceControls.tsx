'use client';

import { BALANCE_WINDOWS, type BalanceView } from '@/lib/rebalance/balance-url-view';
import { DIMENSIONS } from '@/lib/rebalance/rebalance-model';
import { DIMENSION_DESCRIPTIONS, DIMENSION_LABELS } from './skew-chart-view';

/** The load window and the dimension "heavy" is judged by; both live in the URL (the parent moves it). */
export function BalanceControls({ view, busy, onChange }: { view: BalanceView; busy: boolean; onChange: (next: BalanceView) => void }) {
  return (
    <div className="balance-controls">
      <div className="picker-field">
        <span className="subtle">Load over</span>
        <div className="range-picker" role="group" aria-label="Load window" data-testid="window-picker" aria-busy={busy}>
          {BALANCE_WINDOWS.map((window) => (
            <button key={window} type="button" aria-pressed={window === view.window} onClick={() => onChange({ ...view, window })}>
              {window}
            </button>
          ))}
        </div>
      </div>
      <div className="picker-field">
        <span className="subtle">Judge by</span>
        <div className="range-picker" role="group" aria-label="Dimension" data-testid="dimension-picker" aria-busy={busy}>
          {DIMENSIONS.map((dimension) => (
            <button
              key={dimension}
              type="button"
              aria-pressed={dimension === view.dimension}
              title={DIMENSION_DESCRIPTIONS[dimension]}
              onClick={() => onChange({ ...view, dimension })}
            >
              {DIMENSION_LABELS[dimension]}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
