'use client';

import { HistoryChart } from '@/components/charts/HistoryChart';
import { findMetric, type Aggregate } from '@/lib/history/metrics';
import { HistorySection } from './HistorySection';
import { useHistoryRange } from './RangePicker';

/** What the fleet overview charts: is any shard running out of connections, slowing down, lagging, missing cache or queueing clients. */
const FLEET_HISTORY_METRICS = ['connections_pct', 'tps', 'replica_lag_seconds', 'cache_hit_pct', 'pool_waiting'] as const;

/** How a shard's nodes (or pools) become its one line, in the operator's words. */
const ACROSS_SHARD_CAPTION: Record<Aggregate, string> = {
  max: 'per shard: its highest node',
  min: 'per shard: its lowest node',
  sum: 'per shard: sum of its nodes',
  avg: 'per shard: mean of its nodes',
};

/** One line per shard. Needs a <Suspense> above (the range lives in the URL). */
export function FleetHistoryCharts() {
  const range = useHistoryRange();
  return (
    <HistorySection id="fleet-history" testId="fleet-history">
      {FLEET_HISTORY_METRICS.map((metric) => {
        const acrossShard = findMetric(metric)?.acrossShard;
        return <HistoryChart key={metric} metric={metric} range={range} caption={acrossShard ? ACROSS_SHARD_CAPTION[acrossShard] : undefined} />;
      })}
    </HistorySection>
  );
}
