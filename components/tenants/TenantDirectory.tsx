'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { ApiClientError } from '@/lib/api/client';
import {
  directoryRequest,
  directoryViewSearch,
  firstPage,
  parseDirectoryView,
  withFilters,
  withSort,
  type DirectoryView,
} from '@/lib/tenants/directory-url-view';
import { useTenantDirectoryQuery } from '@/lib/queries/tenants/tenant-directory-query';
import { CountersUnavailableBanner, DirectoryFreshness } from './DirectoryFreshness';
import { DirectoryFilters, type FilterPatch } from './DirectoryFilters';
import { DirectoryPager } from './DirectoryPager';
import { TenantTable } from './TenantTable';

/**
 * The tenant directory: filters, sort and page live in the URL, so a link
 * shows what its sender saw and Back returns to the previous filter or page.
 * The History API (not a server navigation) moves the URL: Next.js syncs
 * useSearchParams with it, and only the directory query refetches.
 * Needs a <Suspense> above (useSearchParams).
 */
export function TenantDirectory({ shards }: { shards: { id: string; name: string }[] }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseDirectoryView(searchParams), [searchParams]);
  const request = useMemo(() => directoryRequest(view), [view]);
  const { data, error, isPending, isPlaceholderData, isFetching } = useTenantDirectoryQuery(request);

  const navigate = useCallback(
    (next: DirectoryView, mode: 'push' | 'replace' = 'push') => {
      const search = directoryViewSearch(next);
      const href = search ? `${pathname}?${search}` : pathname;
      if (mode === 'push') window.history.pushState(null, '', href);
      else window.history.replaceState(null, '', href);
    },
    [pathname],
  );

  // Typing replaces the entry (a history step per pause would bury the page); a chosen filter, sort or page pushes one.
  const onSearch = useCallback((q: string) => navigate(withFilters(parseDirectoryView(new URLSearchParams(window.location.search)), { q }), 'replace'), [navigate]);
  const onFilter = (patch: FilterPatch) => navigate(withFilters(view, patch));

  const staleCursor = error instanceof ApiClientError && error.field === 'after';
  return (
    <section className="tenant-directory" data-testid="tenant-directory" aria-busy={isFetching}>
      <DirectoryFilters view={view} shards={shards} onSearch={onSearch} onChange={onFilter} />
      {isPending ? <Skeleton /> : null}
      {error && !data ? (
        <>
          <AlertError subject="tenants" error={error} />
          {staleCursor ? (
            <p>
              <button type="button" onClick={() => navigate(firstPage(view))}>
                Start from the first page
              </button>
            </p>
          ) : null}
        </>
      ) : null}
      {data ? (
        <>
          {!data.countersAvailable ? <CountersUnavailableBanner /> : null}
          <div className={`card directory-table${isPlaceholderData ? ' refreshing' : ''}`}>
            {data.tenants.length === 0 ? (
              <p className="subtle" data-testid="directory-empty">
                {view.page > 1 ? 'No more tenants after the previous page.' : 'No tenant matches these filters.'}
              </p>
            ) : (
              <TenantTable tenants={data.tenants} sort={view.sort} dir={view.dir} onSort={(sort, dir) => navigate(withSort(view, sort, dir))} />
            )}
            <DirectoryPager
              view={view}
              rowsOnPage={data.tenants.length}
              nextCursor={isPlaceholderData ? null : data.nextCursor}
              busy={isPlaceholderData}
              onNavigate={navigate}
            />
          </div>
          <DirectoryFreshness page={data} />
          {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
        </>
      ) : null}
    </section>
  );
}
