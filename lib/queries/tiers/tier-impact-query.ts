import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { Limits, Tier, TierImpact } from '@/lib/tenants/tenant-model';
import { tierKeys } from './keys';

export type TierImpactData = TierImpact;

export function getTierImpact(tier: Tier, limits: Limits, signal?: AbortSignal): Promise<TierImpactData> {
  const search = new URLSearchParams({
    maxConnections: String(limits.maxConnections),
    maxApiCallsPerHour: String(limits.maxApiCallsPerHour),
    maxStorageBytes: String(limits.maxStorageBytes),
    maxUsers: String(limits.maxUsers),
  });
  return fetchJson<TierImpactData>(`/api/tiers/${encodeURIComponent(tier)}/impact?${search}`, { signal });
}

/**
 * What saving `limits` would do to the tier's tenants. `limits` null (the
 * draft is invalid or unchanged) asks nothing; the caller debounces typing.
 * The previous preview stays while the next one loads.
 */
export function useTierImpactQuery(tier: Tier, limits: Limits | null) {
  return useQuery({
    queryKey: tierKeys.impact(tier, limits),
    queryFn: ({ signal }) => getTierImpact(tier, limits!, signal),
    enabled: limits !== null,
    placeholderData: keepPreviousData,
  });
}
