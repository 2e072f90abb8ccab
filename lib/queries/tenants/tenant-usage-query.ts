import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { TenantUsage } from '@/lib/tenants/tenant-model';
import { tenantKeys } from './keys';

export type TenantUsageData = TenantUsage;

/**
 * 5 s: connections are read live from every node of the shard and API/cache
 * counters move with each call, so an operator who has just throttled a
 * tenant or written counters by hand sees the page follow within a few
 * seconds; the shard panels poll on the same beat.
 */
export const TENANT_USAGE_POLL_MS = 5000;

export function getTenantUsage(tenantId: string, signal?: AbortSignal): Promise<TenantUsageData> {
  return fetchJson<TenantUsageData>(`/api/tenants/${encodeURIComponent(tenantId)}/usage`, { signal });
}

export function useTenantUsageQuery(tenantId: string) {
  return useQuery({
    queryKey: tenantKeys.usage(tenantId),
    queryFn: ({ signal }) => getTenantUsage(tenantId, signal),
    refetchInterval: TENANT_USAGE_POLL_MS,
  });
}
