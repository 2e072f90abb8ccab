import { isChunkLike } from '@supabase/ssr';
import type { NextRequest } from 'next/server';
import type { ProxyAuth } from '../proxy-gate';
import { applyAuthCookieWrites, createSupabaseServerClient, emptyAuthCookieWrites } from './server-client';
import { supabaseAuthConfig, supabaseAuthCookieName } from './supabase-config';

/**
 * The longest the proxy waits for a token refresh. auth-js retries a failed
 * refresh with backoff for up to 30 s; during a Supabase outage every page
 * would wait that long. Past this, the request goes on with the cookie as it
 * is (an expired token is then refused by the route's own check).
 */
const REFRESH_BUDGET_MS = 3000;

/**
 * Supabase Auth in the proxy: @supabase/ssr refreshes the session when its
 * access token is about to expire, and the new cookies go both on the request
 * passed on (so this request's route handler verifies the fresh token) and on
 * the response (so the browser keeps it). Signed in = a stored session
 * exists: optimistic, the route handlers and pages verify the token itself.
 */
export async function proxySupabaseAuth(request: NextRequest): Promise<ProxyAuth> {
  const config = supabaseAuthConfig();
  const cookieName = supabaseAuthCookieName(config.url);
  // Probes and signed-out visitors carry no session: no client to build.
  const hasStoredSession = request.cookies.getAll().some(({ name }) => isChunkLike(name, cookieName));
  if (!hasStoredSession) return { signedIn: false, applyCookies: () => {} };
  const writes = emptyAuthCookieWrites();
  const supabase = createSupabaseServerClient(config, request.cookies, writes, (name, value) => {
    if (value) request.cookies.set(name, value);
    else request.cookies.delete(name);
  });
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(resolve, REFRESH_BUDGET_MS, 'timed out');
  });
  const stored = supabase.auth.getSession().then(({ data }) => data.session !== null);
  const outcome = await Promise.race([stored, budget]).finally(() => clearTimeout(timer));
  if (outcome === 'timed out') {
    console.warn(`[auth] Supabase session refresh did not finish within ${REFRESH_BUDGET_MS} ms: passing the request on with its cookie as is`);
    return { signedIn: true, applyCookies: () => {} };
  }
  return { signedIn: outcome, applyCookies: (response) => applyAuthCookieWrites(response, writes) };
}
