import { combineChunks, stringFromBase64URL } from '@supabase/ssr';
import type { CookieReader } from '../current-session';

/** @supabase/ssr's marker for a base64url-encoded cookie value (its default encoding). */
const BASE64_PREFIX = 'base64-';

/**
 * The access token of the session @supabase/ssr stored in the request's
 * cookies (possibly chunked, base64url or raw JSON), or null. Read without
 * the Supabase client: no refresh and no network here, the proxy refreshed
 * the session already; the token is verified by the caller.
 */
export async function storedAccessToken(cookies: CookieReader, cookieName: string): Promise<string | null> {
  const stored = await combineChunks(cookieName, (chunkName) => cookies.get(chunkName)?.value ?? null);
  if (!stored) return null;
  try {
    const json = stored.startsWith(BASE64_PREFIX) ? stringFromBase64URL(stored.slice(BASE64_PREFIX.length)) : stored;
    const session: unknown = JSON.parse(json);
    const accessToken = (session as { access_token?: unknown } | null)?.access_token;
    return typeof accessToken === 'string' ? accessToken : null;
  } catch {
    return null;
  }
}
