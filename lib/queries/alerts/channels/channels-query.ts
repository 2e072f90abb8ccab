import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { NotificationChannel } from '@/lib/alerts/alert-model';
import { channelKeys } from './keys';

export interface ChannelsData {
  channels: NotificationChannel[];
}

/**
 * 15 s: a channel's health (failing, last success or failure) changes as the
 * worker delivers, and a failing receiver is retried at 2, 4, 8 … s; within a
 * poll or two the flag shows without hammering the control DB.
 */
export const CHANNELS_POLL_MS = 15_000;

export function getChannels(signal?: AbortSignal): Promise<ChannelsData> {
  return fetchJson<ChannelsData>('/api/notification-channels', { signal });
}

export function useChannelsQuery() {
  return useQuery({
    queryKey: channelKeys.list(),
    queryFn: ({ signal }) => getChannels(signal),
    refetchInterval: CHANNELS_POLL_MS,
  });
}
