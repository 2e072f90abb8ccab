import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { TierList } from '@/lib/tenants/tenant-model';
import { tierKeys } from './keys';

export type TiersData = TierList;

export function getTiers(signal?: AbortSignal): Promise<TiersData> {
  return fetchJson<TiersData>('/api/tiers', { signal });
}

/** Tier limits change only by an admin's save (which refetches this): no polling. */
export function useTiersQuery() {
  return useQuery({
    queryKey: tierKeys.list(),
    queryFn: ({ signal }) => getTiers(signal),
  });
}
