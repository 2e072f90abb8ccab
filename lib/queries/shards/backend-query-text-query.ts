import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import { shardKeys } from './keys';

export interface BackendQueryTextData {
  query: string;
}

export function getBackendQueryText(shardId: string, nodeId: string, pid: number, backendStart: string, signal?: AbortSignal) {
  const search = new URLSearchParams({ nodeId, pid: String(pid), backendStart });
  return fetchJson<BackendQueryTextData>(`/api/shards/${encodeURIComponent(shardId)}/backends/query?${search}`, { signal });
}

/** Full query text, fetched only when the operator asks for it (enabled = expanded). */
export function useBackendQueryTextQuery(shardId: string, nodeId: string, pid: number, backendStart: string, enabled: boolean) {
  return useQuery({
    queryKey: shardKeys.queryText(shardId, nodeId, pid, backendStart),
    queryFn: ({ signal }) => getBackendQueryText(shardId, nodeId, pid, backendStart, signal),
    enabled,
    staleTime: Infinity,
  });
}
