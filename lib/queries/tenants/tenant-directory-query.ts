import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import { directoryRequestSearch, type DirectoryRequest } from '@/lib/tenants/directory-url-view';
import type { TenantDirectoryPage } from '@/lib/tenants/tenant-model';
import { tenantKeys } from './keys';

export type TenantDirectoryData = TenantDirectoryPage;

/**
 * 15 s: the sessions column and the limit filters read the worker's samples
 * and counter sync, which move at the worker's default 15 s interval; polling
 * faster re-reads the same numbers. The page's own live counters (API calls,
 * cache) refresh on the same beat, which is enough for a list.
 */
export const TENANT_DIRECTORY_POLL_MS = 15_000;

export function getTenantDirectory(request: DirectoryRequest, signal?: AbortSignal): Promise<TenantDirectoryData> {
  return fetchJson<TenantDirectoryData>(`/api/tenants?${directoryRequestSearch(request)}`, { signal });
}

/** One page of the directory; a new filter, sort or page keeps the previous rows on screen until its answer arrives. */
export function useTenantDirectoryQuery(request: DirectoryRequest) {
  return useQuery({
    queryKey: tenantKeys.directory(request),
    queryFn: ({ signal }) => getTenantDirectory(request, signal),
    refetchInterval: TENANT_DIRECTORY_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
