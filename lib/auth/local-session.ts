import { getEnv } from '@/lib/env';
import type { Session } from './session';
import { verifySessionToken, type SessionClaims } from './session-token';
import { readUserSession, touchUserSession, type StoredSession } from './user-sessions';

/**
 * A local session cookie → the request's Session, checked against the control
 * DB on every request: a signed-out, revoked, idle or disabled session ends at
 * once, and the role is the user's role now. When the control DB does not
 * answer, the signed claims stand, read only (`degraded`): on-call keeps its
 * pages during the outage it is debugging. Sessions this process saw ended
 * stay refused through an outage.
 */

/** After a failed lookup, skip the DB for this long: a dead control DB must not cost every request a connect timeout. */
const CONTROL_DOWN_BACKOFF_MS = 5000;
/** The idle clock's grain: a session's last_seen_at is written at most this often. */
const TOUCH_EVERY_SECONDS = 60;

let controlDownUntil = 0;
const endedInThisProcess = new Set<string>();

/** Remembers an ended session (bounded: the oldest entries go first; the control DB still knows them). */
export function rememberEndedSession(sid: string): void {
  endedInThisProcess.add(sid);
  if (endedInThisProcess.size > 10_000) endedInThisProcess.delete(endedInThisProcess.values().next().value!);
}

function isLive(stored: StoredSession, idleLimitSeconds: number): boolean {
  return !stored.revoked && !stored.userDisabled && stored.expiresAt.getTime() > Date.now() && stored.idleSeconds < idleLimitSeconds;
}

function degraded(claims: SessionClaims): Session {
  return { user: claims.user, role: claims.role, expiresAt: claims.expiresAt, provider: 'local', degraded: true };
}

export async function resolveLocalSession(token: string | undefined): Promise<Session | null> {
  const env = getEnv();
  const claims = verifySessionToken(token, env.SHARDSCOPE_SESSION_SECRET);
  if (!claims || endedInThisProcess.has(claims.sid)) return null;
  if (Date.now() < controlDownUntil) return degraded(claims);

  let stored: StoredSession | null;
  try {
    stored = await readUserSession(claims.sid);
  } catch {
    controlDownUntil = Date.now() + CONTROL_DOWN_BACKOFF_MS;
    return degraded(claims);
  }
  if (!stored || stored.userName !== claims.user || !isLive(stored, env.SHARDSCOPE_SESSION_IDLE_MINUTES * 60)) {
    rememberEndedSession(claims.sid);
    return null;
  }
  if (stored.idleSeconds >= TOUCH_EVERY_SECONDS) await touchUserSession(claims.sid).catch(() => {});
  return { user: stored.userName, role: stored.role, expiresAt: claims.expiresAt, provider: 'local', degraded: false };
}
