import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { NotificationChannel, NotificationChannelInput } from '@/lib/alerts/alert-model';
import { channelKeys } from './keys';

/** Any of the fields; no url keeps the saved one. */
export type ChannelPatch = Partial<NotificationChannelInput>;

export function updateChannel(channelId: string, patch: ChannelPatch): Promise<NotificationChannel> {
  return fetchJson<NotificationChannel>(`/api/notification-channels/${encodeURIComponent(channelId)}`, { method: 'PUT', body: JSON.stringify(patch) });
}

/** Edit, enable or disable a channel (admin); the list refetches. */
export function useUpdateChannelMutation(channelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ChannelPatch) => updateChannel(channelId, patch),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.list() }),
  });
}
