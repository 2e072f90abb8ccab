import { ApiError } from '@/lib/api/errors';
import { getEnv } from '@/lib/env';
import type { CookieReader } from '../current-session';
import { NO_ROLE_MESSAGE, readSupabaseAccess } from './supabase-session';

/**
 * For a request without a session: the 403 to answer instead of 401 when it
 * carries a valid Supabase token whose user has no console role (signing in
 * again would not help; an admin setting the role would). Null otherwise,
 * and always null with the local provider.
 */
export async function noRoleRefusal(cookies: CookieReader): Promise<ApiError | null> {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'supabase') return null;
  const access = await readSupabaseAccess(cookies);
  return access.kind === 'no-role' ? new ApiError('forbidden', NO_ROLE_MESSAGE) : null;
}
