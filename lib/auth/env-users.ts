import { createHmac } from 'node:crypto';
import { getControlPool } from '@/lib/control/db';
import { getEnv } from '@/lib/env';
import { hashPassword } from './password-hash';
import type { Role } from './roles';

/**
 * The first users: SHARDSCOPE_ADMIN_PASSWORD (and the operator and viewer
 * ones, when set) create the users `admin`, `operator` and `viewer` at
 * start. A user is updated only when its env password changed since it was
 * last seeded (an HMAC fingerprint of it is kept), so a password reset on the
 * Users page survives a restart with the same env, and a changed env wins.
 * The seeded role is set on creation only: an admin may change it later.
 */

function envPasswords(): [Role, string][] {
  const env = getEnv();
  const entries: [Role, string | undefined][] = [
    ['admin', env.SHARDSCOPE_ADMIN_PASSWORD],
    ['operator', env.SHARDSCOPE_OPERATOR_PASSWORD],
    ['viewer', env.SHARDSCOPE_VIEWER_PASSWORD],
  ];
  return entries.filter((entry): entry is [Role, string] => entry[1] !== undefined);
}

function fingerprint(name: string, password: string): string {
  return createHmac('sha256', getEnv().SHARDSCOPE_SESSION_SECRET).update(`${name}\u0000${password}`).digest('base64url');
}

/** Returns the names created or whose password was reset from env. */
export async function seedUsersFromEnv(): Promise<string[]> {
  const pool = getControlPool();
  const changed: string[] = [];
  for (const [name, password] of envPasswords()) {
    const print = fingerprint(name, password);
    const { rows } = await pool.query<{ env_password_fingerprint: string | null }>(
      'select env_password_fingerprint from console_users where name = $1',
      [name],
    );
    if (rows[0] && rows[0].env_password_fingerprint === print) continue;
    const passwordHash = await hashPassword(password);
    await pool.query(
      `insert into console_users (name, role, password_hash, env_password_fingerprint) values ($1, $2, $3, $4)
       on conflict (name) do update set password_hash = excluded.password_hash,
         env_password_fingerprint = excluded.env_password_fingerprint, updated_at = now()`,
      [name, name, passwordHash, print],
    );
    changed.push(name);
  }
  return changed;
}

let seeded: Promise<string[]> | undefined;

/** Seeds once per process; a failure (control DB down at start) is retried by the next caller. */
export function ensureUsersSeededFromEnv(): Promise<string[]> {
  seeded ??= seedUsersFromEnv().catch((error: unknown) => {
    seeded = undefined;
    throw error;
  });
  return seeded;
}
