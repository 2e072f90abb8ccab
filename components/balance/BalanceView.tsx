'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useBalanceQuery } from '@/lib/queries/balance/balance-query';
import { balanceViewSearch, parseBalanceView, type BalanceView as BalanceUrlView } from '@/lib/rebalance/balance-url-view';
import { BalanceControls } from './BalanceControls';
import { CapacityNotes } from './CapacityNotes';
import { FleetAdvice } from './FleetAdvice';
import { HeaviestTenants } from './HeaviestTenants';
import { PlacementPanel } from './PlacementPanel';
import { PlannerPanel } from './PlannerPanel';
import { ShardBalanceTable } from './ShardBalanceTable';
import { SkewChart } from './SkewChart';
import { SkewSummary } from './SkewSummary';
import { chartableDimensions } from './skew-chart-view';

/**
 * The balance page: how uneven the shards are (per shard, per dimension,
 * against the mean), who makes them heavy, a dry-run planner, capacity and
 * fleet advice, and where new tenants go. The window and dimension live in
 * the URL; the History API moves it (replace: Back leaves the page), Next.js
 * syncs useSearchParams with it and only the report refetches.
 * Needs a <Suspense> above (useSearchParams).
 */
export function BalanceView({ canAdminister }: { canAdminister: boolean }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseBalanceView(searchParams), [searchParams]);
  const { data: report, error, isPending, isPlaceholderData, isFetching } = useBalanceQuery(view);

  const navigate = useCallback(
    (next: BalanceUrlView) => {
      const search = balanceViewSearch(next, new URLSearchParams(window.location.search));
      window.history.replaceState(null, '', search ? `${pathname}?${search}` : pathname);
    },
    [pathname],
  );

  return (
    <section className="balance" data-testid="balance" aria-busy={isFetching}>
      <BalanceControls view={view} busy={isPlaceholderData} onChange={navigate} />
      {isPending ? <Skeleton count={2} /> : null}
      {error && !report ? <AlertError subject="shard balance" error={error} /> : null}
      {report ? (
        <div
          className={`balance-report${isPlaceholderData ? ' refreshing' : ''}`}
          data-testid="balance-report"
          // The view the drawn report belongs to: absent while a new window or dimension loads behind the previous one.
          data-window={isPlaceholderData ? undefined : view.window}
          data-dimension={isPlaceholderData ? undefined : report.dimension}
        >
          <SkewSummary report={report} />
          <ShardBalanceTable report={report} canAdminister={canAdminister} />
          <div className="skew-charts">
            {chartableDimensions(report).map((dimension) => (
              <SkewChart key={dimension} report={report} dimension={dimension} />
            ))}
          </div>
          <PlannerPanel report={report} loadWindow={view.window} canAdminister={canAdminister} />
          <HeaviestTenants report={report} />
          <div className="balance-notes">
            <CapacityNotes notes={report.capacity} />
            <FleetAdvice advice={report.fleetAdvice} bigTenants={report.bigTenants} />
          </div>
          <PlacementPanel report={report} canAdminister={canAdminister} />
          {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
        </div>
      ) : null}
    </section>
  );
}
