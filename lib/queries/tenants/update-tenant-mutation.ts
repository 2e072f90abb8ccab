import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { TenantDetail, Tier } from '@/lib/tenants/tenant-model';
import { tenantKeys } from './keys';

export interface TenantUpdateVariables {
  tier?: Tier;
  pinned?: boolean;
}

export function updateTenant(tenantId: string, update: TenantUpdateVariables): Promise<TenantDetail> {
  return fetchJson<TenantDetail>(`/api/tenants/${encodeURIComponent(tenantId)}`, { method: 'PATCH', body: JSON.stringify(update) });
}

/**
 * Change a tenant's tier or pin it (admin). On success the answer is the new
 * detail; usage (limits differ per tier) and every directory page refetch.
 */
export function useUpdateTenantMutation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: TenantUpdateVariables) => updateTenant(tenantId, update),
    onSuccess: (detail) => queryClient.setQueryData(tenantKeys.detail(tenantId), detail),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: tenantKeys.detail(tenantId) }),
        queryClient.invalidateQueries({ queryKey: tenantKeys.directories() }),
      ]),
  });
}
