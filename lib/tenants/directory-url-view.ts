import { DEFAULT_PAGE_SIZE, DIRECTORY_SORTS, MAX_PAGE_SIZE, type DirectorySort } from './directory-params';
import { TENANT_LAYOUTS, TENANT_STATUSES, TIERS, type TenantLayout, type TenantStatus, type Tier } from './tenant-model';

/**
 * The directory page's state as it lives in the URL: filters, sort, page size
 * and where in the keyset we are. Pure: URL ⇄ view, view → API request, and
 * the page moves (next, previous, first). Unit-tested.
 *
 * Keyset pagination has no page numbers to jump to: a page is "the rows after
 * this cursor". To go back, the URL carries the cursors of the pages before
 * (`prev`, newest last), capped so a link stays short; past the cap, Prev
 * stops and First still works.
 */

export type LimitFilter = 'near' | 'over';
export type SortDirection = 'asc' | 'desc';

export interface DirectoryView {
  /** The search box: a substring of the name or the start of an id. */
  q: string;
  tier: Tier | null;
  shardId: string | null;
  status: TenantStatus | null;
  layout: TenantLayout | null;
  limit: LimitFilter | null;
  sort: DirectorySort;
  dir: SortDirection;
  pageSize: number;
  /** Cursor this page starts after; null on the first page. */
  after: string | null;
  /** Cursors of the pages before this one, after the first (oldest first). */
  previous: string[];
  /** 1-based; shown as "page 3", never used to jump. */
  page: number;
}

/** Nine cursors of ~100 characters keep a shared link well under any URL limit. */
export const MAX_PREVIOUS_CURSORS = 9;
/** base64url never contains a dot, so cursors join on it safely. */
const CURSOR_SEPARATOR = '.';
const MAX_SEARCH_CHARS = 100;
const MAX_SHARD_ID_CHARS = 63;

export const DEFAULT_DIRECTORY_VIEW: DirectoryView = {
  q: '',
  tier: null,
  shardId: null,
  status: null,
  layout: null,
  limit: null,
  sort: 'name',
  dir: 'asc',
  pageSize: DEFAULT_PAGE_SIZE,
  after: null,
  previous: [],
  page: 1,
};

/** Text columns read A→Z first; amounts read biggest first (who uses the most). */
export function firstSortDirection(sort: DirectorySort): SortDirection {
  return sort === 'name' || sort === 'tier' || sort === 'shard' ? 'asc' : 'desc';
}

function oneOf<T extends string>(allowed: readonly T[], value: string | null): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

const CURSOR_SHAPE = /^[A-Za-z0-9_-]{1,400}$/;

/**
 * Reads the view from the page's query string. Anything unknown falls back to
 * the default rather than failing the page: an old or hand-edited link still
 * opens the directory.
 */
export function parseDirectoryView(params: { get(name: string): string | null }): DirectoryView {
  const sort = oneOf(DIRECTORY_SORTS, params.get('sort')) ?? DEFAULT_DIRECTORY_VIEW.sort;
  const dir = oneOf(['asc', 'desc'] as const, params.get('dir')) ?? firstSortDirection(sort);
  const size = Number(params.get('pageSize'));
  const pageSize = Number.isInteger(size) && size >= 1 && size <= MAX_PAGE_SIZE ? size : DEFAULT_PAGE_SIZE;
  const shardId = params.get('shardId')?.trim() ?? '';
  const afterText = params.get('after');
  const after = afterText && CURSOR_SHAPE.test(afterText) ? afterText : null;
  const previous = after
    ? (params.get('prev') ?? '')
        .split(CURSOR_SEPARATOR)
        .filter((cursor) => CURSOR_SHAPE.test(cursor))
        .slice(-MAX_PREVIOUS_CURSORS)
    : [];
  const pageNumber = Number(params.get('page'));
  // Without a cursor this is the first page, whatever the URL says; with one, at least the page after the known ones.
  const page = after ? Math.max(previous.length + 2, Number.isInteger(pageNumber) ? pageNumber : 0) : 1;
  return {
    q: (params.get('q') ?? '').slice(0, MAX_SEARCH_CHARS),
    tier: oneOf(TIERS, params.get('tier')),
    shardId: shardId && shardId.length <= MAX_SHARD_ID_CHARS ? shardId : null,
    status: oneOf(TENANT_STATUSES, params.get('status')),
    layout: oneOf(TENANT_LAYOUTS, params.get('layout')),
    limit: oneOf(['near', 'over'] as const, params.get('limit')),
    sort,
    dir,
    pageSize,
    after,
    previous,
    page,
  };
}

/** The page's query string for a view; defaults are left out so the plain link stays `/tenants`. */
export function directoryViewSearch(view: DirectoryView): string {
  const search = new URLSearchParams();
  if (view.q) search.set('q', view.q);
  if (view.tier) search.set('tier', view.tier);
  if (view.shardId) search.set('shardId', view.shardId);
  if (view.status) search.set('status', view.status);
  if (view.layout) search.set('layout', view.layout);
  if (view.limit) search.set('limit', view.limit);
  if (view.sort !== DEFAULT_DIRECTORY_VIEW.sort || view.dir !== DEFAULT_DIRECTORY_VIEW.dir) {
    search.set('sort', view.sort);
    search.set('dir', view.dir);
  }
  if (view.pageSize !== DEFAULT_PAGE_SIZE) search.set('pageSize', String(view.pageSize));
  if (view.after) {
    search.set('after', view.after);
    if (view.previous.length > 0) search.set('prev', view.previous.join(CURSOR_SEPARATOR));
    search.set('page', String(view.page));
  }
  return search.toString();
}

/** What GET /api/tenants is asked: the filters, sort and cursor, never the Prev stack (it is the client's). */
export interface DirectoryRequest {
  q?: string;
  tier?: Tier;
  shardId?: string;
  status?: TenantStatus;
  layout?: TenantLayout;
  limit?: LimitFilter;
  sort: DirectorySort;
  dir: SortDirection;
  after?: string;
  pageSize: number;
}

export function directoryRequest(view: DirectoryView): DirectoryRequest {
  const q = view.q.trim();
  return {
    ...(q ? { q } : {}),
    ...(view.tier ? { tier: view.tier } : {}),
    ...(view.shardId ? { shardId: view.shardId } : {}),
    ...(view.status ? { status: view.status } : {}),
    ...(view.layout ? { layout: view.layout } : {}),
    ...(view.limit ? { limit: view.limit } : {}),
    sort: view.sort,
    dir: view.dir,
    ...(view.after ? { after: view.after } : {}),
    pageSize: view.pageSize,
  };
}

export function directoryRequestSearch(request: DirectoryRequest): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(request)) {
    if (value !== undefined) search.set(name, String(value));
  }
  return search.toString();
}

type FilterPatch = Partial<Pick<DirectoryView, 'q' | 'tier' | 'shardId' | 'status' | 'layout' | 'limit' | 'pageSize'>>;

/** A changed filter is a different list: back to its first page (an old cursor would skip or repeat rows). */
export function withFilters(view: DirectoryView, patch: FilterPatch): DirectoryView {
  return { ...view, ...patch, after: null, previous: [], page: 1 };
}

/** A new sort starts from the first page too: the cursor is a position in one sort order. */
export function withSort(view: DirectoryView, sort: DirectorySort, dir: SortDirection): DirectoryView {
  return { ...view, sort, dir, after: null, previous: [], page: 1 };
}

export function nextPage(view: DirectoryView, nextCursor: string): DirectoryView {
  const previous = view.after ? [...view.previous, view.after].slice(-MAX_PREVIOUS_CURSORS) : [];
  return { ...view, after: nextCursor, previous, page: view.page + 1 };
}

/** The page before, or null when it is not known (the stack was capped): then only First goes back. */
export function previousPage(view: DirectoryView): DirectoryView | null {
  if (!view.after) return null;
  if (view.page === 2) return firstPage(view);
  if (view.previous.length === 0) return null;
  return { ...view, after: view.previous.at(-1)!, previous: view.previous.slice(0, -1), page: view.page - 1 };
}

export function firstPage(view: DirectoryView): DirectoryView {
  return { ...view, after: null, previous: [], page: 1 };
}

/** "rows 51–100": where this page sits, from its number and size. */
export function pageRowRange(view: DirectoryView, rowsOnPage: number): string {
  if (rowsOnPage === 0) return 'no rows';
  const first = (view.page - 1) * view.pageSize + 1;
  return `rows ${first}–${first + rowsOnPage - 1}`;
}
