import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { Limits, Tier, TierUpdate } from '@/lib/tenants/tenant-model';
import { tenantKeys } from '@/lib/queries/tenants/keys';
import { tierKeys } from './keys';

export interface TierUpdateVariables extends Limits {
  /** Save although a lower tier would get more than a higher one. */
  confirmOrder?: boolean;
}

export function updateTier(tier: Tier, update: TierUpdateVariables): Promise<TierUpdate> {
  return fetchJson<TierUpdate>(`/api/tiers/${encodeURIComponent(tier)}`, { method: 'PUT', body: JSON.stringify(update) });
}

/** Save a tier's limits (admin); the tier list, previews and every tenant view (limits changed) refetch. */
export function useUpdateTierMutation(tier: Tier) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: TierUpdateVariables) => updateTier(tier, update),
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: tierKeys.all }), queryClient.invalidateQueries({ queryKey: tenantKeys.all })]),
  });
}
