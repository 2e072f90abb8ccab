import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { StatementsReport } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';
import { statementsRequestSearch, type StatementsRequest } from './statements-request';

export type StatementsReportData = StatementsReport;

/**
 * 30 s: the shortest window is 15 min and snapshots come every few minutes,
 * so a faster poll re-reads the same deltas; a live answer (no snapshot yet,
 * or "since reset") reads pg_stat_statements on every node, which is not free
 * with thousands of statements per node.
 */
export const STATEMENTS_REPORT_POLL_MS = 30_000;

export function getStatementsReport(request: StatementsRequest, signal?: AbortSignal): Promise<StatementsReportData> {
  return fetchJson<StatementsReportData>(`/api/queries?${statementsRequestSearch(request)}`, { signal });
}

/** The fleet's top statements for one window, sort and filter; a new choice keeps the previous rows on screen until its answer arrives. */
export function useStatementsReportQuery(request: StatementsRequest) {
  return useQuery({
    queryKey: statementKeys.report(request),
    queryFn: ({ signal }) => getStatementsReport(request, signal),
    refetchInterval: STATEMENTS_REPORT_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
