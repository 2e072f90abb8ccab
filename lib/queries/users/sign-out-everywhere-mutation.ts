import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import { userKeys } from './keys';

export function signOutEverywhere(name: string): Promise<{ sessionsEnded: number }> {
  return postJson<{ sessionsEnded: number }>(`/api/users/${encodeURIComponent(name)}/sign-out-everywhere`, {});
}

/** End every session of a user (admin); the list's live-session count refetches. */
export function useSignOutEverywhereMutation(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => signOutEverywhere(name),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.list() }),
  });
}
