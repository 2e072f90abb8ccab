import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { TenantDetail } from '@/lib/tenants/tenant-model';
import { tenantKeys } from './keys';

export type TenantData = TenantDetail;

/**
 * 30 s: identity and tier change only by an admin's hand (refetched at once
 * after a change made here) or by a rebalance moving the tenant, whose status
 * (moving, fenced) is worth seeing within a poll but not within seconds.
 */
export const TENANT_POLL_MS = 30_000;

export function getTenant(tenantId: string, signal?: AbortSignal): Promise<TenantData> {
  return fetchJson<TenantData>(`/api/tenants/${encodeURIComponent(tenantId)}`, { signal });
}

export function useTenantQuery(tenantId: string) {
  return useQuery({
    queryKey: tenantKeys.detail(tenantId),
    queryFn: ({ signal }) => getTenant(tenantId, signal),
    refetchInterval: TENANT_POLL_MS,
  });
}
