import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { Role } from '@/lib/auth/roles';
import type { ConsoleUser } from '@/lib/auth/users';
import { userKeys } from './keys';

export interface NewUser {
  name: string;
  role: Role;
  password: string;
}

export function createUser(input: NewUser): Promise<{ user: ConsoleUser }> {
  return postJson<{ user: ConsoleUser }>('/api/users', input);
}

/** Add a user (admin); the list refetches. */
export function useCreateUserMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.list() }),
  });
}
