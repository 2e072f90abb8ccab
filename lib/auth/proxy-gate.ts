import type { NextRequest, NextResponse } from 'next/server';
import { getEnv } from '@/lib/env';
import { SESSION_COOKIE, verifySessionToken } from './session-token';

/**
 * The proxy's view of sign-in: cheap and optimistic (a validly signed cookie,
 * no database round trip). The real check, against the server-side session,
 * runs again in every route handler and page (lib/auth/current-session.ts).
 */
export interface ProxyAuth {
  signedIn: boolean;
  /** Cookies the provider wants set on the way out (a refreshed Supabase session). */
  applyCookies(response: NextResponse): void;
}

export async function proxyAuth(request: NextRequest): Promise<ProxyAuth> {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER === 'supabase') {
    const { proxySupabaseAuth } = await import('./supabase/proxy-refresh');
    return proxySupabaseAuth(request);
  }
  const claims = verifySessionToken(request.cookies.get(SESSION_COOKIE)?.value, getEnv().SHARDSCOPE_SESSION_SECRET);
  return { signedIn: claims !== null, applyCookies: () => {} };
}
