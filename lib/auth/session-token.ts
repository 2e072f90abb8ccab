import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRole, type Role } from './roles';

/**
 * Session cookies: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)).
 * The payload names a server-side session (`sid`, random; the control DB keeps
 * only its hash), so signing out or disabling a user ends it on the next
 * request. The signed user and role are what a request falls back to, read
 * only, while the control DB is down (lib/auth/current-session.ts).
 */

export const SESSION_COOKIE = 'shardscope_session';

export interface SessionClaims {
  /** The server-side session's random id (base64url, 32 bytes). */
  sid: string;
  /** Who signed in (the local provider's user name). */
  user: string;
  /** The role at sign-in; the control DB's current role wins whenever it answers. */
  role: Role;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the control DB stores for a session id. */
export function sessionIdHash(sid: string): Buffer {
  return createHash('sha256').update(sid).digest();
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function createSessionToken(claims: SessionClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** Returns the claims, or null for anything forged, malformed or expired. */
export function verifySessionToken(token: string | undefined, secret: string, nowSeconds = Date.now() / 1000): SessionClaims | null {
  if (!token) return null;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: Partial<SessionClaims>;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed.sid !== 'string' || parsed.sid.length < 16 || typeof parsed.user !== 'string' || !isRole(parsed.role)) return null;
  if (typeof parsed.expiresAt !== 'number' || parsed.expiresAt <= nowSeconds) return null;
  return { sid: parsed.sid, user: parsed.user, role: parsed.role, issuedAt: Number(parsed.issuedAt) || 0, expiresAt: parsed.expiresAt };
}
