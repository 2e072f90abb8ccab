import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { UserChange, ConsoleUser } from '@/lib/auth/users';
import { userKeys } from './keys';

export function updateUser(name: string, change: UserChange): Promise<{ user: ConsoleUser }> {
  return fetchJson<{ user: ConsoleUser }>(`/api/users/${encodeURIComponent(name)}`, { method: 'PATCH', body: JSON.stringify(change) });
}

/** Change a user's role, password or disabled flag (admin); the list refetches (a reset or disable also ends sessions). */
export function useUpdateUserMutation(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: UserChange) => updateUser(name, change),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.list() }),
  });
}
