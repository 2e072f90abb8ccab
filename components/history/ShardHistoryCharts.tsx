'use client';

import { HistoryChart } from '@/components/charts/HistoryChart';
import { HistoryEndNotice, useHistoryEnd } from './HistoryEndNotice';
import { HistorySection } from './HistorySection';
import { useHistoryRange } from './RangePicker';

/** One line per node (per PgBouncer pool for pool_waiting): which node of the shard is the odd one out, and since when. */
const SHARD_HISTORY_METRICS = [
  { metric: 'connections_pct', caption: 'per node' },
  { metric: 'tps', caption: 'per node' },
  { metric: 'replica_lag_seconds', caption: 'per replica' },
  { metric: 'replica_lag_bytes', caption: 'per replica' },
  { metric: 'cache_hit_pct', caption: 'per node' },
  { metric: 'pool_waiting', caption: 'per PgBouncer pool (database/user)' },
  { metric: 'cpu_pct', caption: 'per node host' },
  { metric: 'disk_pct', caption: 'per node host' },
] as const;

/** Needs a <Suspense> above (the range, and where it ends, live in the URL: `?range=` and `?to=`). */
export function ShardHistoryCharts({ shardId }: { shardId: string }) {
  const range = useHistoryRange();
  const to = useHistoryEnd();
  return (
    <>
      {to ? <HistoryEndNotice to={to} /> : null}
      <HistorySection id="shard-history" testId="shard-history">
        {SHARD_HISTORY_METRICS.map(({ metric, caption }) => (
          <HistoryChart key={metric} metric={metric} range={range} shardId={shardId} caption={caption} to={to} />
        ))}
      </HistorySection>
    </>
  );
}
