import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { FiringSummary } from '@/lib/alerts/events-query';
import { alertEventKeys } from './keys';

export type FiringSummaryData = FiringSummary;

/**
 * 15 s: alerts change at most once per sampling round (15 s by default); the
 * badge sits on every page, and one count over the open events is cheap.
 */
export const FIRING_SUMMARY_POLL_MS = 15_000;

export function getFiringSummary(signal?: AbortSignal): Promise<FiringSummaryData> {
  return fetchJson<FiringSummaryData>('/api/alerts/summary', { signal });
}

export function useFiringSummaryQuery() {
  return useQuery({
    queryKey: alertEventKeys.summary(),
    queryFn: ({ signal }) => getFiringSummary(signal),
    refetchInterval: FIRING_SUMMARY_POLL_MS,
  });
}
