import type { StatementSort, StatementWindow } from '@/lib/statements/statements-model';

/**
 * What GET /api/queries is asked. Pure (no I/O): the keys, the fetcher and the
 * page's URL view share it. The text filter travels as a query parameter and
 * the server binds it; nothing here builds SQL.
 */
export interface StatementsRequest {
  window: StatementWindow;
  sort: StatementSort;
  shardId: string | null;
  nodeId: string | null;
  user: string | null;
  /** Substring of the normalized text; '' for none. */
  q: string;
  limit: number;
}

/** Window, sort and limit always (the answer never depends on the server's defaults); a filter only when set. */
export function statementsRequestSearch(request: StatementsRequest): string {
  const params = new URLSearchParams({ window: request.window, sort: request.sort, limit: String(request.limit) });
  if (request.shardId) params.set('shardId', request.shardId);
  if (request.nodeId) params.set('nodeId', request.nodeId);
  if (request.user) params.set('user', request.user);
  if (request.q) params.set('q', request.q);
  return params.toString();
}
