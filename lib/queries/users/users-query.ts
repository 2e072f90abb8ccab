import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { ConsoleUser } from '@/lib/auth/users';
import { userKeys } from './keys';

export interface UsersData {
  users: ConsoleUser[];
}

export function getUsers(signal?: AbortSignal): Promise<UsersData> {
  return fetchJson<UsersData>('/api/users', { signal });
}

/**
 * 30 s: users change by an admin's edit (which refetches at once); the poll
 * only keeps live-session counts and last sign-ins roughly current.
 */
export const USERS_REFRESH_MS = 30_000;

export function useUsersQuery() {
  return useQuery({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => getUsers(signal),
    refetchInterval: USERS_REFRESH_MS,
  });
}
