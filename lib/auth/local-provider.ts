import { createHash, timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/lib/env';
import type { Role } from './roles';

/**
 * Local sign-in: one user per role, named after it, passwords from the env.
 * (The Supabase provider will map Supabase users to roles the same way.)
 */

function passwordsByUser(): Partial<Record<Role, string>> {
  const env = getEnv();
  return {
    admin: env.SHARDSCOPE_ADMIN_PASSWORD,
    operator: env.SHARDSCOPE_OPERATOR_PASSWORD,
    viewer: env.SHARDSCOPE_VIEWER_PASSWORD,
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The role the credentials grant, or null. Compares in constant time. */
export function authenticateLocalUser(username: string, password: string): Role | null {
  const passwords = passwordsByUser();
  const role = (Object.keys(passwords) as Role[]).find((candidate) => candidate === username);
  const expected = role ? passwords[role] : undefined;
  // Compare against something even for unknown users, so timing does not reveal which names exist.
  const matches = timingSafeEqual(digest(password), digest(expected ?? '\u0000no-such-user'));
  return role && expected && matches ? role : null;
}
