import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import { channelKeys } from './keys';

/** POST /api/notification-channels/:id/test: what the receiver answered. */
export interface ChannelTestResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export function sendChannelTest(channelId: string): Promise<ChannelTestResult> {
  return postJson<ChannelTestResult>(`/api/notification-channels/${encodeURIComponent(channelId)}/test`, {});
}

/** Send a test message now (admin); the channel's health and delivery log refetch. */
export function useTestChannelMutation(channelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => sendChannelTest(channelId),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: channelKeys.list() }),
        queryClient.invalidateQueries({ queryKey: channelKeys.deliveries(channelId) }),
      ]),
  });
}
