import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';

/** What a user name and a new password must look like, for the Users API and page alike. */

export const USER_NAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export const userName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USER_NAME_PATTERN, 'must be 1-64 of a-z 0-9 . _ @ - (starting with a letter or digit)');

/** 12+ characters: long enough to resist the throttled guessing the sign-in allows, no composition rules. */
export const newPassword = z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');

/** A user name from the path (Next has already decoded it: a second decode would throw on a literal '%'). */
export function userNameParam(raw: string): string {
  const parsed = userName.safeParse(raw);
  if (!parsed.success) throw new ApiError('bad_request', `name: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'name');
  return parsed.data;
}
