import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { NotificationChannel } from '@/lib/alerts/alert-model';
import { channelKeys } from './keys';

export function deleteChannel(channelId: string): Promise<{ deleted: NotificationChannel }> {
  return fetchJson<{ deleted: NotificationChannel }>(`/api/notification-channels/${encodeURIComponent(channelId)}`, { method: 'DELETE' });
}

/** Delete a channel and its delivery log (admin); the list refetches. */
export function useDeleteChannelMutation(channelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteChannel(channelId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.all }),
  });
}
