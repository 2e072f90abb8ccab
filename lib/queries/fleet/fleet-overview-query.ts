import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { FleetOverview } from '@/lib/monitor/fleet-overview-model';
import { fleetKeys } from './keys';

export type FleetOverviewData = FleetOverview;

/**
 * 5 s: a node that dies shows "down" within one poll plus the 1.5 s probe
 * timeout, and with the server's 1 s coalescing window ten open browsers cost
 * the fleet at most one round trip per second.
 */
export const FLEET_OVERVIEW_POLL_MS = 5000;

export function getFleetOverview(signal?: AbortSignal): Promise<FleetOverviewData> {
  return fetchJson<FleetOverviewData>('/api/fleet/overview', { signal });
}

export function useFleetOverviewQuery() {
  return useQuery({
    queryKey: fleetKeys.overview(),
    queryFn: ({ signal }) => getFleetOverview(signal),
    refetchInterval: FLEET_OVERVIEW_POLL_MS,
  });
}
