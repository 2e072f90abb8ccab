import { DIMENSIONS, type BalanceReport } from '@/lib/rebalance/rebalance-model';
import { DIMENSION_DESCRIPTIONS, DIMENSION_LABELS, formatSkew } from './skew-chart-view';

/** Skew (heaviest active shard / mean) per dimension, against the threshold: the page's headline numbers. */
export function SkewSummary({ report }: { report: BalanceReport }) {
  const limit = 1 + report.thresholdPct / 100;
  return (
    <div className="stats skew-summary" data-testid="skew-summary">
      {DIMENSIONS.map((dimension) => {
        const skew = report.skew[dimension];
        const over = skew !== null && skew > limit + 1e-9;
        return (
          <div key={dimension} data-testid="skew-stat" data-dimension={dimension} data-skew={skew ?? ''} data-over={over}>
            <div className="subtle" title={DIMENSION_DESCRIPTIONS[dimension]}>
              {DIMENSION_LABELS[dimension]} skew{dimension === report.dimension ? ' (judged by)' : ''}
            </div>
            <div className={`stat-value${over ? ' warn-text' : ''}`}>{formatSkew(skew)}</div>
          </div>
        );
      })}
      <div>
        <div className="subtle">Threshold</div>
        <div className="stat-value subtle">
          ±{report.thresholdPct} % of the mean (skew ≤ {formatSkew(limit)})
        </div>
      </div>
    </div>
  );
}
