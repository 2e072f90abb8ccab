'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useStatementsReportQuery } from '@/lib/queries/statements/statements-report-query';
import type { StatementSort, StatementWindow } from '@/lib/statements/statements-model';
import type { TopologyShard } from './explain-form-view';
import { StatementsFilters } from './StatementsFilters';
import { StatementsSource } from './StatementsSource';
import { StatementsTable } from './StatementsTable';
import { WindowPicker } from './WindowPicker';
import { isFiltered, parseStatementsView, statementsViewSearch, withStatementsFilters, type StatementsFilterPatch, type StatementsView as StatementsUrlView } from './statements-url-view';

/**
 * The queries page: the fleet's top statements for a window, merged across
 * shards. Window, sort and filters live in the URL; the History API moves it
 * (Next.js syncs useSearchParams with it) and only the report refetches.
 * Needs a <Suspense> above (useSearchParams).
 */
export function StatementsView({ shards }: { shards: TopologyShard[] }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseStatementsView(searchParams), [searchParams]);
  const { data: report, error, isPending, isPlaceholderData, isFetching } = useStatementsReportQuery(view);

  const navigate = useCallback(
    (next: StatementsUrlView, mode: 'push' | 'replace') => {
      const search = statementsViewSearch(next, new URLSearchParams(window.location.search));
      const href = search ? `${pathname}?${search}` : pathname;
      if (mode === 'push') window.history.pushState(null, '', href);
      else window.history.replaceState(null, '', href);
    },
    [pathname],
  );
  // Filters read the URL at the moment they settle (a debounced text box may settle after another change).
  const onFilter = useCallback(
    (patch: StatementsFilterPatch) => {
      const current = parseStatementsView(new URLSearchParams(window.location.search));
      // Typing replaces the entry (a history step per pause would bury the page); a chosen shard or node pushes one.
      navigate(withStatementsFilters(current, patch), 'q' in patch || 'user' in patch ? 'replace' : 'push');
    },
    [navigate],
  );
  const onWindow = (window: StatementWindow) => navigate({ ...view, window }, 'push');
  const onSort = (sort: StatementSort) => navigate({ ...view, sort }, 'push');

  return (
    <section className="statements" data-testid="statements" aria-busy={isFetching}>
      <div className="statements-controls">
        <WindowPicker window={view.window} busy={isPlaceholderData} onChange={onWindow} />
      </div>
      <StatementsFilters view={view} shards={shards} onChange={onFilter} />
      {isPending ? <Skeleton /> : null}
      {error && !report ? <AlertError subject="statements" error={error} /> : null}
      {report ? (
        <div
          className={`statements-report${isPlaceholderData ? ' refreshing' : ''}`}
          data-testid="statements-report"
          // The view the drawn report belongs to: absent while another window or sort loads behind the previous rows.
          data-window={isPlaceholderData ? undefined : report.window}
          data-sort={isPlaceholderData ? undefined : report.sort}
          data-source={report.source}
          data-rows={report.rows.length}
        >
          <StatementsSource report={report} />
          <div className="card statements-card">
            {report.rows.length === 0 ? (
              <p className="subtle" data-testid="statements-empty">
                {isFiltered(view)
                  ? 'No statement matches these filters in this window.'
                  : 'No statement ran in this window (or pg_stat_statements is not loaded on the nodes).'}
              </p>
            ) : (
              <StatementsTable report={report} window={view.window} onSort={onSort} />
            )}
          </div>
          <p className="subtle outlier-rule" data-testid="outlier-rule">
            Outlier: {report.outlierRule}
          </p>
          {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
        </div>
      ) : null}
    </section>
  );
}
