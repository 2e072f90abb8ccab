import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { CreateTenantRequest, CreatedTenant } from '@/lib/rebalance/rebalance-model';
import { tenantKeys } from '@/lib/queries/tenants/keys';
import { balanceKeys } from './keys';

export type CreatedTenantData = CreatedTenant;

export function createTenant(request: CreateTenantRequest): Promise<CreatedTenantData> {
  return postJson<CreatedTenantData>('/api/tenants', request);
}

/** Create a tenant (admin); the balance report (tenant counts per shard) and every directory page refetch. */
export function useCreateTenantMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CreateTenantRequest) => createTenant(request),
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: balanceKeys.reports() }), queryClient.invalidateQueries({ queryKey: tenantKeys.directories() })]),
  });
}
