import type pg from 'pg';
import { getControlPool } from '@/lib/control/db';
import type { Role } from './roles';
import { sessionIdHash } from './session-token';

/** Server-side sessions of local users (control DB, table console_sessions). */

export type RevokeReason = 'sign_out' | 'sign_out_everywhere' | 'password_reset' | 'disabled';

export interface StoredSession {
  userName: string;
  /** The user's role now: a change takes effect on the next request. */
  role: Role;
  userDisabled: boolean;
  revoked: boolean;
  /** Seconds since the session last made a request. */
  idleSeconds: number;
  expiresAt: Date;
}

type Queryable = Pick<pg.Pool, 'query'>;

export async function createUserSession(
  sid: string,
  user: string,
  expiresAt: Date,
  client: { address: string | null; userAgent: string | null },
): Promise<void> {
  await getControlPool().query(
    `insert into console_sessions (token_hash, user_name, expires_at, client_address, user_agent)
     values ($1, $2, $3, $4, left($5, 300))`,
    [sessionIdHash(sid), user, expiresAt, client.address, client.userAgent],
  );
}

export async function readUserSession(sid: string): Promise<StoredSession | null> {
  const { rows } = await getControlPool().query(
    `select s.user_name, u.role, u.disabled, s.revoked_at is not null as revoked, s.expires_at,
            extract(epoch from now() - s.last_seen_at)::float8 as idle_seconds
     from console_sessions s join console_users u on u.name = s.user_name
     where s.token_hash = $1`,
    [sessionIdHash(sid)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    userName: row.user_name,
    role: row.role,
    userDisabled: row.disabled,
    revoked: row.revoked,
    idleSeconds: row.idle_seconds,
    expiresAt: row.expires_at,
  };
}

/** Marks the session used now. Called at most about once a minute per session (the idle clock's grain). */
export async function touchUserSession(sid: string): Promise<void> {
  await getControlPool().query('update console_sessions set last_seen_at = now() where token_hash = $1 and revoked_at is null', [
    sessionIdHash(sid),
  ]);
}

export async function revokeUserSession(sid: string, reason: RevokeReason): Promise<void> {
  await getControlPool().query(
    'update console_sessions set revoked_at = now(), revoked_reason = $2 where token_hash = $1 and revoked_at is null',
    [sessionIdHash(sid), reason],
  );
}

/** Ends every live session of `user`; returns how many. */
export async function revokeAllUserSessions(db: Queryable, user: string, reason: RevokeReason): Promise<number> {
  const { rowCount } = await db.query(
    'update console_sessions set revoked_at = now(), revoked_reason = $2 where user_name = $1 and revoked_at is null and expires_at > now()',
    [user, reason],
  );
  return rowCount ?? 0;
}

/** Sessions that ended more than a day ago are kept for nothing; the sign-in path prunes a few at a time. */
export async function pruneEndedSessions(): Promise<void> {
  await getControlPool().query(
    `delete from console_sessions where id in (
       select id from console_sessions
       where expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day'
       limit 500)`,
  );
}
