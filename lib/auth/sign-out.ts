import { getEnv } from '@/lib/env';
import { writeAudit } from './audit';
import type { CookieReader } from './current-session';
import { rememberEndedSession } from './local-session';
import type { Session } from './session';
import { SESSION_COOKIE, verifySessionToken } from './session-token';
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
