import type { CookieReader } from '../current-session';
import { isRole } from '../roles';
import type { Session } from '../session';
import { verifySupabaseAccessToken } from './access-token';
import { storedAccessToken } from './auth-cookie';
import { supabaseAuthConfig, supabaseAuthCookieName, type SupabaseAuthConfig } from './supabase-config';

/** What a signed-in person without a console role is told, on the /no-access page and in a 403. */
export const NO_ROLE_MESSAGE =
  'You are signed in, but your Supabase user has no Shardscope role. Ask an admin to set app_metadata.shardscope_role (viewer, operator or admin) on your user.';

/** A request under Supabase Auth: no valid token, a valid token without a console role, or a session. */
export type SupabaseAccess =
  | { kind: 'signed-out' }
  | { kind: 'no-role'; user: string }
  | { kind: 'signed-in'; session: Session; supabaseSessionId: string | undefined };

/**
 * Supabase sessions signed out through this process. Their access tokens are
 * stateless and stay valid until they expire; this process refuses them at
 * once (other web instances when the token expires, at most the project's JWT
 * expiry later). Bounded: the oldest go first, by then long expired.
 */
const endedSessions = new Set<string>();

export function rememberEndedSupabaseSession(supabaseSessionId: string): void {
  endedSessions.add(supabaseSessionId);
  if (endedSessions.size > 10_000) endedSessions.delete(endedSessions.values().next().value!);
}

/** Refusal reasons already logged: a misconfigured issuer or audience would otherwise log on every request. */
const loggedRefusals = new Set<string>();

function logRefusalOnce(reason: string): void {
  if (loggedRefusals.has(reason) || loggedRefusals.size >= 50) return;
  loggedRefusals.add(reason);
  console.warn(`[auth] Supabase access token refused: ${reason}`);
}

/** What a Supabase access token grants: verified, not signed out here, and carrying a console role. */
export async function accessOfToken(token: string, config: SupabaseAuthConfig): Promise<SupabaseAccess> {
  const check = await verifySupabaseAccessToken(token, config);
  if (!check.valid) {
    if (!check.expired) logRefusalOnce(check.reason);
    return { kind: 'signed-out' };
  }
  const { claims } = check;
  if (claims.session_id && endedSessions.has(claims.session_id)) return { kind: 'signed-out' };
  const user = claims.email || claims.sub;
  const role = claims.app_metadata?.shardscope_role;
  if (!isRole(role)) return { kind: 'no-role', user };
  return {
    kind: 'signed-in',
    session: { user, role, expiresAt: claims.exp, provider: 'supabase', degraded: false },
    supabaseSessionId: claims.session_id,
  };
}

/** The access of the session @supabase/ssr keeps in the request's cookies. */
export async function readSupabaseAccess(cookies: CookieReader): Promise<SupabaseAccess> {
  const config = supabaseAuthConfig();
  const token = await storedAccessToken(cookies, supabaseAuthCookieName(config.url));
  return token ? accessOfToken(token, config) : { kind: 'signed-out' };
}

/** The request's session under Supabase Auth: a verified access token carrying a console role; null otherwise. */
export async function resolveSupabaseSession(cookies: CookieReader): Promise<Session | null> {
  const access = await readSupabaseAccess(cookies);
  return access.kind === 'signed-in' ? access.session : null;
}
