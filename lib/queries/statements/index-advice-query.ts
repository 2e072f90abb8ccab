import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { IndexAdvice } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';

export type IndexAdviceData = IndexAdvice;

/**
 * 5 min: table and index statistics accumulate over days (an index is
 * "unused" since the last stats reset), and the catalog reads behind the
 * advice are not free on a big shard; the page has a Refresh button for now.
 */
export const INDEX_ADVICE_POLL_MS = 300_000;

export function getIndexAdvice(shardId: string, signal?: AbortSignal): Promise<IndexAdviceData> {
  return fetchJson<IndexAdviceData>(`/api/shards/${encodeURIComponent(shardId)}/index-advice`, { signal });
}

export function useIndexAdviceQuery(shardId: string) {
  return useQuery({
    queryKey: statementKeys.indexAdvice(shardId),
    queryFn: ({ signal }) => getIndexAdvice(shardId, signal),
    refetchInterval: INDEX_ADVICE_POLL_MS,
  });
}
