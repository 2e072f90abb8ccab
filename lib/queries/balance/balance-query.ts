import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import { balanceRequestSearch, type BalanceView } from '@/lib/rebalance/balance-url-view';
import type { BalanceReport } from '@/lib/rebalance/rebalance-model';
import { balanceKeys } from './keys';

export type BalanceData = BalanceReport;

/**
 * 30 s: balance moves with tenant storage (measured by the worker every 15 min
 * by default) and load summed over an hour or more, so a faster poll re-reads
 * the same numbers; a shard going down still shows as stale within a poll.
 */
export const BALANCE_POLL_MS = 30_000;

export function getBalance(view: BalanceView, signal?: AbortSignal): Promise<BalanceData> {
  return fetchJson<BalanceData>(`/api/balance?${balanceRequestSearch(view)}`, { signal });
}

/** The balance report for one window and dimension; a new choice keeps the previous report on screen until its answer arrives. */
export function useBalanceQuery(view: BalanceView) {
  return useQuery({
    queryKey: balanceKeys.report(view),
    queryFn: ({ signal }) => getBalance(view, signal),
    refetchInterval: BALANCE_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
