import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRole, type Role } from './roles';

/**
 * Session tokens: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)).
 * Stateless, so every web instance verifies them with the shared secret alone.
 */

export const SESSION_COOKIE = 'shardscope_session';

export interface Session {
  /** Who signed in (the local provider's user name, or a Supabase user id). */
  user: string;
  role: Role;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function createSessionToken(session: Session, secret: string): string {
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** Returns the session, or null for anything forged, malformed or expired. */
export function verifySessionToken(token: string | undefined, secret: string, nowSeconds = Date.now() / 1000): Session | null {
  if (!token) return null;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: Partial<Session>;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed.user !== 'string' || !isRole(parsed.role)) return null;
  if (typeof parsed.expiresAt !== 'number' || parsed.expiresAt <= nowSeconds) return null;
  return { user: parsed.user, role: parsed.role, issuedAt: Number(parsed.issuedAt) || 0, expiresAt: parsed.expiresAt };
}
