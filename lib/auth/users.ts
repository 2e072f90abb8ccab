import type pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { getEnv } from '@/lib/env';
import { writeAudit, writeAuditWith } from './audit';
import { hashPassword } from './password-hash';
import type { Role } from './roles';
import type { Session } from './session';
import { revokeAllUserSessions } from './user-sessions';

/** Local console users (control DB, table console_users): the Users page's reads and edits. */

export interface ConsoleUser {
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  /** Sessions not signed out, revoked or expired (idle ones included until they are next used). */
  liveSessions: number;
}

export interface UserChange {
  role?: Role;
  password?: string;
  disabled?: boolean;
}

const SELECT_USERS = `
  select u.name, u.role, u.disabled, u.created_at, u.last_sign_in_at,
         (select count(*)::int from console_sessions s
          where s.user_name = u.name and s.revoked_at is null and s.expires_at > now()) as live_sessions
  from console_users u`;

function toUser(row: Record<string, unknown>): ConsoleUser {
  return {
    name: row.name as string,
    role: row.role as Role,
    disabled: row.disabled as boolean,
    createdAt: (row.created_at as Date).toISOString(),
    lastSignInAt: row.last_sign_in_at ? (row.last_sign_in_at as Date).toISOString() : null,
    liveSessions: row.live_sessions as number,
  };
}

/** With Supabase Auth, people and their roles live in the Supabase project: these local users do not apply. */
function assertLocalProvider(): void {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'local') {
    throw new ApiError('conflict', "users are managed in Supabase Auth (a user's role is app_metadata.shardscope_role there), not in the console");
  }
}

export async function listUsers(): Promise<ConsoleUser[]> {
  assertLocalProvider();
  const { rows } = await getControlPool().query(`${SELECT_USERS} order by u.name`);
  return rows.map(toUser);
}

async function readUser(db: Pick<pg.Pool, 'query'>, name: string): Promise<ConsoleUser> {
  const { rows } = await db.query(`${SELECT_USERS} where u.name = $1`, [name]);
  if (!rows[0]) throw new ApiError('not_found', `no user named ${name}`, 'name');
  return toUser(rows[0]);
}

export async function createUser(input: { name: string; role: Role; password: string }, actor: Session): Promise<ConsoleUser> {
  assertLocalProvider();
  const passwordHash = await hashPassword(input.password);
  const created = await withControlTransaction(async (client) => {
    const { rowCount } = await client.query(
      `insert into console_users (name, role, password_hash) values ($1, $2, $3) on conflict (name) do nothing`,
      [input.name, input.role, passwordHash],
    );
    if (rowCount === 0) return null;
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'user.create',
      target: input.name,
      result: 'ok',
      detail: { after: { role: input.role, disabled: false } },
    });
    return readUser(client, input.name);
  });
  if (!created) throw new ApiError('conflict', `a user named ${input.name} already exists`, 'name');
  return created;
}

/**
 * Changes a user's role, password or disabled flag in one transaction with
 * its audit row. A password reset or a disable also ends the user's sessions.
 * The last enabled admin cannot be demoted or disabled: the active admins'
 * rows are locked first, so two such edits at once cannot both pass.
 */
export async function updateUser(name: string, change: UserChange, actor: Session): Promise<ConsoleUser> {
  assertLocalProvider();
  const passwordHash = change.password === undefined ? null : await hashPassword(change.password);
  try {
    return await withControlTransaction(async (client) => {
      const { rows: admins } = await client.query<{ name: string }>(
        `select name from console_users where role = 'admin' and not disabled order by name for update`,
      );
      const before = await readUser(client, name);
      const after = { role: change.role ?? before.role, disabled: change.disabled ?? before.disabled };
      const stillAdmin = after.role === 'admin' && !after.disabled;
      if (!stillAdmin && admins.length === 1 && admins[0].name === name) {
        throw new ApiError('conflict', `${name} is the last enabled admin: make another admin first`, change.role ? 'role' : 'disabled');
      }
      await client.query(
        `update console_users
         set role = $2, disabled = $3, password_hash = coalesce($4, password_hash),
             env_password_fingerprint = case when $4::text is null then env_password_fingerprint end,
             updated_at = now()
         where name = $1`,
        [name, after.role, after.disabled, passwordHash],
      );
      const ended =
        passwordHash !== null || (after.disabled && !before.disabled)
          ? await revokeAllUserSessions(client, name, passwordHash !== null ? 'password_reset' : 'disabled')
          : 0;
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'user.update',
        target: name,
        result: 'ok',
        detail: {
          before: { role: before.role, disabled: before.disabled },
          after,
          ...(passwordHash !== null ? { passwordReset: true } : {}),
          sessionsEnded: ended,
        },
      });
      return readUser(client, name);
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'conflict') {
      await writeAudit({
        actor: actor.user,
        actorRole: actor.role,
        action: 'user.update',
        target: name,
        result: 'refused',
        detail: { reason: error.message, requested: { role: change.role, disabled: change.disabled } },
      });
    }
    throw error;
  }
}

/** "Sign out everywhere": ends every session of the user; audited with the count. */
export async function signOutEverywhere(name: string, actor: Session): Promise<{ sessionsEnded: number }> {
  assertLocalProvider();
  return withControlTransaction(async (client) => {
    await readUser(client, name);
    const sessionsEnded = await revokeAllUserSessions(client, name, 'sign_out_everywhere');
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'user.sign_out_everywhere',
      target: name,
      result: 'ok',
      detail: { sessionsEnded },
    });
    return { sessionsEnded };
  });
}
