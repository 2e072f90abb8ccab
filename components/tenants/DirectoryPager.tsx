import { firstPage, nextPage, pageRowRange, previousPage, type DirectoryView } from '@/lib/tenants/directory-url-view';

/**
 * First / Prev / Next over a keyset: there are no page numbers to jump to,
 * only "after this row". Prev walks back the cursors kept in the URL.
 */
export function DirectoryPager({
  view,
  rowsOnPage,
  nextCursor,
  busy,
  onNavigate,
}: {
  view: DirectoryView;
  rowsOnPage: number;
  nextCursor: string | null;
  busy: boolean;
  onNavigate: (view: DirectoryView) => void;
}) {
  const previous = previousPage(view);
  return (
    <nav className="pager" aria-label="Directory pages" data-testid="directory-pager">
      <button type="button" className="small" disabled={busy || view.page === 1} onClick={() => onNavigate(firstPage(view))}>
        First
      </button>
      <button
        type="button"
        className="small"
        disabled={busy || previous === null}
        title={previous === null && view.page > 1 ? 'this page was reached through too many pages to walk back; use First' : undefined}
        onClick={() => previous && onNavigate(previous)}
      >
        Prev
      </button>
      <button type="button" className="small" disabled={busy || nextCursor === null} onClick={() => nextCursor && onNavigate(nextPage(view, nextCursor))}>
        Next
      </button>
      <span className="subtle" data-testid="page-position">
        page {view.page} · {pageRowRange(view, rowsOnPage)}
        {nextCursor === null ? ' · last page' : ''}
      </span>
    </nav>
  );
}
