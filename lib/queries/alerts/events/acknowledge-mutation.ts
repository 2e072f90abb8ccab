import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { AlertEvent } from '@/lib/alerts/alert-model';
import { alertEventKeys } from './keys';

export function acknowledgeAlertEvent(eventId: string): Promise<AlertEvent> {
  return postJson<AlertEvent>(`/api/alerts/${encodeURIComponent(eventId)}/ack`, {});
}

/** Acknowledge (operator); the lists, the event and the badge refetch, also after a 409 (someone else was first: show who). */
export function useAcknowledgeMutation(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => acknowledgeAlertEvent(eventId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertEventKeys.all }),
  });
}
