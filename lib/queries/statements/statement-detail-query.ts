import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { StatementDetail, StatementRange } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';

export type StatementDetailData = StatementDetail;

/**
 * 60 s: the charts' points are snapshot intervals (minutes apart), so a
 * minute's poll shows a new point soon after the worker stores it.
 */
export const STATEMENT_DETAIL_POLL_MS = 60_000;

export function getStatementDetail(statementHash: string, range: StatementRange, signal?: AbortSignal): Promise<StatementDetailData> {
  return fetchJson<StatementDetailData>(`/api/queries/${encodeURIComponent(statementHash)}?${new URLSearchParams({ range })}`, { signal });
}

/** One statement over a range: fleet figures, per shard and node, and the series; a new range keeps the previous answer drawn until its own arrives. */
export function useStatementDetailQuery(statementHash: string, range: StatementRange) {
  return useQuery({
    queryKey: statementKeys.detail(statementHash, range),
    queryFn: ({ signal }) => getStatementDetail(statementHash, range, signal),
    refetchInterval: STATEMENT_DETAIL_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
