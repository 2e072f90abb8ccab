import { getEnv } from '@/lib/env';
import { resolveLocalSession } from './local-session';
import type { Session } from './session';
import { SESSION_COOKIE } from './session-token';

/** Both `request.cookies` (route handlers, proxy) and `await cookies()` (pages) fit this. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The signed-in session of a request, from whichever provider is configured; null when signed out. */
export async function resolveSession(cookies: CookieReader): Promise<Session | null> {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER === 'supabase') {
    const { resolveSupabaseSession } = await import('./supabase/supabase-session');
    return resolveSupabaseSession(cookies);
  }
  return resolveLocalSession(cookies.get(SESSION_COOKIE)?.value);
}
