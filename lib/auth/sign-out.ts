import type { NextResponse } from 'next/server';
import { getEnv } from '@/lib/env';
import { writeAudit } from './audit';
import type { CookieReader } from './current-session';
import { rememberEndedSession } from './local-session';
import type { Session } from './session';
import { SESSION_COOKIE, verifySessionToken } from './session-token';
import { applyAuthCookieWrites, createSupabaseServerClient, emptyAuthCookieWrites } from './supabase/server-client';
import { supabaseAuthConfig, supabaseAuthCookieName } from './supabase/supabase-config';
import { readSupabaseAccess, rememberEndedSupabaseSession } from './supabase/supabase-session';
import { revokeUserSession } from './user-sessions';

/**
 * Ends the request's own local session server-side, so a copy of its cookie
 * stops working too. During a control DB outage only this process knows it
 * ended (the log says so); the cookie is cleared either way.
 */
export async function signOutLocalSession(cookies: CookieReader, session: Session): Promise<void> {
  const claims = verifySessionToken(cookies.get(SESSION_COOKIE)?.value, getEnv().SHARDSCOPE_SESSION_SECRET);
  if (!claims) return;
  rememberEndedSession(claims.sid);
  try {
    await revokeUserSession(claims.sid, 'sign_out');
    await writeAudit({ actor: session.user, actorRole: session.role, action: 'auth.sign_out', result: 'ok' });
  } catch (error) {
    console.warn(`[auth] sign-out of ${session.user} not recorded in the control DB (ended in this process only): ${(error as Error).message}`);
  }
}

/**
 * Ends the request's Supabase session: Supabase revokes its refresh token
 * (scope 'local': this sign-in only, not the user's other devices), this
 * process refuses its access token from now on, and `response` clears every
 * cookie of it, also when Supabase did not answer (the refresh token then
 * lives on at Supabase until it is used or expires; the log says so).
 */
export async function signOutSupabaseSession(cookies: CookieReader, session: Session, response: NextResponse): Promise<void> {
  const config = supabaseAuthConfig();
  const access = await readSupabaseAccess(cookies);
  if (access.kind === 'signed-in' && access.supabaseSessionId) rememberEndedSupabaseSession(access.supabaseSessionId);
  const writes = emptyAuthCookieWrites();
  const { error } = await createSupabaseServerClient(config, cookies, writes).auth.signOut({ scope: 'local' });
  if (error) console.warn(`[auth] Supabase did not end the session of ${session.user} (its cookies are cleared anyway): ${error.message}`);
  applyAuthCookieWrites(response, writes);
  const cookieName = supabaseAuthCookieName(config.url);
  for (const { name } of cookies.getAll()) {
    if (name.startsWith(cookieName)) response.cookies.set(name, '', { path: '/', maxAge: 0 });
  }
  await writeAudit({ actor: session.user, actorRole: session.role, action: 'auth.sign_out', result: 'ok', detail: { provider: 'supabase' } }).catch(
    (auditError: unknown) => console.warn(`[auth] sign-out of ${session.user} not audited: ${(auditError as Error).message}`),
  );
}
