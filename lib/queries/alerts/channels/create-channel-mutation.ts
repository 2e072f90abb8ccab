import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { NotificationChannel, NotificationChannelInput } from '@/lib/alerts/alert-model';
import { channelKeys } from './keys';

export function createChannel(input: NotificationChannelInput): Promise<NotificationChannel> {
  return postJson<NotificationChannel>('/api/notification-channels', input);
}

/** Add a channel (admin); the list refetches. */
export function useCreateChannelMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createChannel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.list() }),
  });
}
