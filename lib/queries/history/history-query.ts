import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { HistoryRange, HistoryResponse } from '@/lib/history/history-types';
import { historyKeys } from './keys';

export type HistoryData = HistoryResponse;

/**
 * What one chart asks for. Without shardId: one series per shard; with
 * shardId: one per node (or per PgBouncer pool); with nodeId: that node only.
 */
export interface HistoryVariables {
  metric: string;
  range: HistoryRange;
  shardId?: string;
  nodeId?: string;
  tenantId?: string;
  /** ISO 8601: the range ends here instead of now (the charts around a past alert). */
  to?: string;
}

/**
 * 15 s: the worker's default sample interval (SHARDSCOPE_SAMPLE_INTERVAL_S).
 * Polling faster finds no new sample; slower leaves the newest one off the
 * chart for longer than the operator expects after a live-page glance.
 */
export const HISTORY_POLL_MS = 15_000;

/** 5 min: past the raw retention the answer is hourly rollups, whose newest bucket changes at most once an hour. */
export const HISTORY_ROLLUP_POLL_MS = 5 * 60_000;

export function getHistory({ metric, range, shardId, nodeId, tenantId, to }: HistoryVariables, signal?: AbortSignal): Promise<HistoryData> {
  const search = new URLSearchParams({ metric, range });
  if (shardId) search.set('shardId', shardId);
  if (nodeId) search.set('nodeId', nodeId);
  if (tenantId) search.set('tenantId', tenantId);
  if (to) search.set('to', to);
  return fetchJson<HistoryData>(`/api/history?${search}`, { signal });
}

/**
 * One metric's history; a range change keeps the previous lines on screen
 * until the new answer arrives. A range ending in the past (`to`) is not
 * polled: no new sample falls into it.
 */
export function useHistoryQuery(variables: HistoryVariables) {
  const { metric, range, shardId, nodeId, tenantId, to } = variables;
  return useQuery({
    queryKey: historyKeys.series(metric, range, shardId, nodeId, tenantId, to),
    queryFn: ({ signal }) => getHistory(variables, signal),
    refetchInterval: (query) => (to ? false : query.state.data?.source === 'rollup' ? HISTORY_ROLLUP_POLL_MS : HISTORY_POLL_MS),
    placeholderData: keepPreviousData,
  });
}
