import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError } from '@/lib/api/errors';

/**
 * A machine client's bearer token, checked in constant time. `expected`
 * undefined means the route is switched off (its env variable is unset).
 */
export function assertBearerToken(authorization: string | null, expected: string | undefined, variable: string): void {
  if (expected === undefined) throw new ApiError('not_found', `this endpoint is disabled: set ${variable} to enable it`);
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  // Hash both sides: timingSafeEqual needs equal lengths, and the length must not leak either.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (!match || !timingSafeEqual(digest(match[1]), digest(expected))) {
    throw new ApiError('unauthorized', 'a valid Authorization: Bearer token is required', 'Authorization');
  }
}
