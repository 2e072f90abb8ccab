import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { NotificationDelivery } from '@/lib/alerts/alert-model';
import { channelKeys } from './keys';

export interface ChannelDeliveriesData {
  deliveries: NotificationDelivery[];
}

/** 5 s while the log is open: retries come 2, 4, 8 s apart, so each shows up about when it happens. */
export const CHANNEL_DELIVERIES_POLL_MS = 5_000;

export function getChannelDeliveries(channelId: string, signal?: AbortSignal): Promise<ChannelDeliveriesData> {
  return fetchJson<ChannelDeliveriesData>(`/api/notification-channels/${encodeURIComponent(channelId)}/deliveries`, { signal });
}

/** A channel's delivery log, newest first; polled only while someone has it open. */
export function useChannelDeliveriesQuery(channelId: string) {
  return useQuery({
    queryKey: channelKeys.deliveries(channelId),
    queryFn: ({ signal }) => getChannelDeliveries(channelId, signal),
    refetchInterval: CHANNEL_DELIVERIES_POLL_MS,
  });
}
