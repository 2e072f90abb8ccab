'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useAlertEventsQuery } from '@/lib/queries/alerts/events/alert-events-query';
import { AlertEventFilters } from './AlertEventFilters';
import { AlertEventsTable } from './AlertEventsTable';
import { LinkedEvent } from './LinkedEvent';
import { alertEventFilter, alertEventsViewSearch, parseAlertEventsView, withAlertFilters, type AlertEventsFilterPatch, type AlertEventsView } from './alert-events-url-view';

/**
 * The /alerts page: firing and recent events, filters in the URL (a link
 * shows what its sender saw; Back returns to the previous filter), each event
 * expandable to its context snapshot. Needs a <Suspense> above (useSearchParams).
 */
export function AlertEventsView({ shards, canAcknowledge }: { shards: { id: string; name: string }[]; canAcknowledge: boolean }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseAlertEventsView(searchParams), [searchParams]);
  const filter = useMemo(() => alertEventFilter(view), [view]);
  const { data, error, isPending, isPlaceholderData, isFetching, dataUpdatedAt } = useAlertEventsQuery(filter);

  // The History API, not a server navigation: Next.js syncs useSearchParams and only the list refetches.
  const navigate = useCallback(
    (next: AlertEventsView) => {
      const search = alertEventsViewSearch(next);
      window.history.pushState(null, '', search ? `${pathname}?${search}` : pathname);
    },
    [pathname],
  );
  const onFilter = (patch: AlertEventsFilterPatch) => navigate(withAlertFilters(view, patch));

  const linkedInList = view.event !== null && (data?.events.some((event) => event.id === view.event) ?? false);
  // Durations of firing events count to the moment of the answer, not of the render.
  const now = new Date(dataUpdatedAt);
  return (
    <section className="alert-events-view" data-testid="alert-events-view" aria-busy={isFetching}>
      <AlertEventFilters view={view} shards={shards} onChange={onFilter} />
      {view.event !== null && data && !isPlaceholderData && !linkedInList ? <LinkedEvent eventId={view.event} canAcknowledge={canAcknowledge} /> : null}
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="alert events" error={error} /> : null}
      {data ? (
        <div className={`card directory-table${isPlaceholderData ? ' refreshing' : ''}`}>
          {data.events.length === 0 ? (
            <p className="subtle" data-testid="alerts-empty">
              {view.state === 'firing' ? 'Nothing is firing' : 'No alert fired in this period'}
              {view.severity || view.shardId ? ' for these filters.' : '.'}
            </p>
          ) : (
            <AlertEventsTable events={data.events} now={now} linkedEventId={view.event} canAcknowledge={canAcknowledge} />
          )}
          {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
        </div>
      ) : null}
    </section>
  );
}
