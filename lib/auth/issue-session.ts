import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Role } from './roles';
import { createSessionToken, newSessionId, SESSION_COOKIE, sessionIdHash } from './session-token';

/**
 * A session for a user nobody can sign in as (its password hash is no scrypt
 * hash): for scripts, benches and tests that call route handlers directly.
 * The user is created with `role` if missing (its role is set to `role`).
 * Returns the Cookie header value.
 */
export async function issueSessionCookie(
  db: Pick<pg.ClientBase, 'query'>,
  options: { user: string; role: Role; secret: string; ttlSeconds: number; sid?: string },
): Promise<string> {
  const sid = options.sid ?? newSessionId();
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + options.ttlSeconds;
  await db.query(
    `insert into console_users (name, role, password_hash) values ($1, $2, $3)
     on conflict (name) do update set role = excluded.role, disabled = false`,
    [options.user, options.role, `none$${randomBytes(8).toString('hex')}`],
  );
  await db.query(
    `insert into console_sessions (token_hash, user_name, expires_at) values ($1, $2, to_timestamp($3))
     on conflict (token_hash) do update set revoked_at = null, revoked_reason = null, last_seen_at = now(), expires_at = excluded.expires_at`,
    [sessionIdHash(sid), options.user, expiresAt],
  );
  return `${SESSION_COOKIE}=${createSessionToken({ sid, user: options.user, role: options.role, issuedAt, expiresAt }, options.secret)}`;
}
