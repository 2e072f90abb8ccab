import {
  DEFAULT_STATEMENT_LIMIT,
  DEFAULT_STATEMENT_SORT,
  DEFAULT_STATEMENT_WINDOW,
  MAX_STATEMENT_LIMIT,
  STATEMENT_SORTS,
  STATEMENT_WINDOWS,
  type StatementSort,
  type StatementWindow,
} from '@/lib/statements/statements-model';
import type { StatementsRequest } from '@/lib/queries/statements/statements-request';

/**
 * The queries page's state as it lives in the URL
 * (`?window=&sort=&shardId=&nodeId=&user=&q=&limit=`), so a link shows what
 * its sender saw. Pure; unit-tested. Anything unknown reads as the default
 * rather than failing the page: a hand-edited link still opens.
 */
export type StatementsView = StatementsRequest;

export const DEFAULT_STATEMENTS_VIEW: StatementsView = {
  window: DEFAULT_STATEMENT_WINDOW,
  sort: DEFAULT_STATEMENT_SORT,
  shardId: null,
  nodeId: null,
  user: null,
  q: '',
  limit: DEFAULT_STATEMENT_LIMIT,
};

/** Rows per page offered; the API caps at MAX_STATEMENT_LIMIT. */
export const STATEMENT_LIMITS = [25, DEFAULT_STATEMENT_LIMIT, 100, MAX_STATEMENT_LIMIT] as const;

/** The longest text filter sent; a pasted statement is cut here (a substring of it still finds the statement). */
export const MAX_TEXT_FILTER = 200;

export const WINDOW_LABELS: Record<StatementWindow, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 d',
  reset: 'since reset',
};

export function isStatementWindow(value: string | null): value is StatementWindow {
  return (STATEMENT_WINDOWS as readonly (string | null)[]).includes(value);
}

export function isStatementSort(value: string | null): value is StatementSort {
  return (STATEMENT_SORTS as readonly (string | null)[]).includes(value);
}

function text(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim();
  return value ? value : null;
}

function parseLimit(value: string | null): number {
  if (value === null || !/^\d+$/.test(value)) return DEFAULT_STATEMENT_LIMIT;
  const limit = Number(value);
  return limit >= 1 ? Math.min(limit, MAX_STATEMENT_LIMIT) : DEFAULT_STATEMENT_LIMIT;
}

export function parseStatementsView(params: URLSearchParams): StatementsView {
  const window = params.get('window');
  const sort = params.get('sort');
  return {
    window: isStatementWindow(window) ? window : DEFAULT_STATEMENT_WINDOW,
    sort: isStatementSort(sort) ? sort : DEFAULT_STATEMENT_SORT,
    shardId: text(params, 'shardId'),
    nodeId: text(params, 'nodeId'),
    user: text(params, 'user'),
    q: (params.get('q') ?? '').slice(0, MAX_TEXT_FILTER),
    limit: parseLimit(params.get('limit')),
  };
}

/**
 * The search string for `view`, keeping any other parameter of `current`;
 * defaults are left out so the plain /queries link stays plain.
 */
export function statementsViewSearch(view: StatementsView, current: URLSearchParams = new URLSearchParams()): string {
  const params = new URLSearchParams(current);
  const put = (name: string, value: string | null, fallback: string | null) => {
    if (value === null || value === '' || value === fallback) params.delete(name);
    else params.set(name, value);
  };
  put('window', view.window, DEFAULT_STATEMENT_WINDOW);
  put('sort', view.sort, DEFAULT_STATEMENT_SORT);
  put('shardId', view.shardId, null);
  put('nodeId', view.nodeId, null);
  put('user', view.user, null);
  put('q', view.q, '');
  put('limit', String(view.limit), String(DEFAULT_STATEMENT_LIMIT));
  return params.toString();
}

export type StatementsFilterPatch = Partial<Pick<StatementsView, 'shardId' | 'nodeId' | 'user' | 'q' | 'limit'>>;

/** A new filter; picking another shard drops the node filter (a node of the previous shard would match nothing). */
export function withStatementsFilters(view: StatementsView, patch: StatementsFilterPatch): StatementsView {
  const next = { ...view, ...patch };
  if ('shardId' in patch && patch.shardId !== view.shardId && !('nodeId' in patch)) next.nodeId = null;
  return next;
}

export function isFiltered(view: StatementsView): boolean {
  return view.shardId !== null || view.nodeId !== null || view.user !== null || view.q !== '';
}

/**
 * The statement page for a row, on the chart range nearest the table's
 * window (a 15-minute window opens on the hour; "since reset" on the default).
 */
export function statementHref(statementHash: string, window: StatementWindow): string {
  const range = window === '24h' || window === '7d' ? window : null;
  return `/queries/${encodeURIComponent(statementHash)}${range ? `?range=${range}` : ''}`;
}
