import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError } from '@/lib/api/errors';

/**
 * Whether the Authorization header carries `Bearer <expected>`, compared in
 * constant time. `expected` undefined (the env variable is unset) matches nothing.
 */
export function bearerTokenMatches(authorization: string | null, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return false;
  // Hash both sides: timingSafeEqual needs equal lengths, and the length must not leak either.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}

/**
 * A machine client's bearer token, checked in constant time. `expected`
 * undefined means the route is switched off (its env variable is unset).
 */
export function assertBearerToken(authorization: string | null, expected: string | undefined, variable: string): void {
  if (expected === undefined) throw new ApiError('not_found', `this endpoint is disabled: set ${variable} to enable it`);
  if (!bearerTokenMatches(authorization, expected)) {
    throw new ApiError('unauthorized', 'a valid Authorization: Bearer token is required', 'Authorization');
  }
}
