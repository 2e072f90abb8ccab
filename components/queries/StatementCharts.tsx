'use client';

import { useMemo } from 'react';
import type { StatementDetail, StatementRange } from '@/lib/statements/statements-model';
import { StatementChart } from './StatementChart';
import { STATEMENT_METRICS, toStatementSeries } from './statement-series-view';

/** Calls, total time and mean time of one statement over the chosen range, fleet-wide. */
export function StatementCharts({ detail, range, busy }: { detail: StatementDetail; range: StatementRange; busy: boolean }) {
  const chart = useMemo(() => toStatementSeries(detail.series), [detail.series]);
  return (
    <div className="statement-charts" data-testid="statement-charts">
      {STATEMENT_METRICS.map(({ metric, label, caption }) => (
        <StatementChart key={metric} metric={metric} label={label} caption={caption} chart={chart} range={range} busy={busy} live={detail.source === 'live'} />
      ))}
    </div>
  );
}
