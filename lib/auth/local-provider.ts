import { getControlPool } from '@/lib/control/db';
import { decoyPasswordHash, verifyPassword } from './password-hash';
import type { Role } from './roles';

/**
 * Local sign-in: a user of the control DB's console_users with the right
 * password and not disabled. Unknown names are checked against a decoy hash,
 * so the answer and its timing are the same for a wrong name and a wrong password.
 */
export async function authenticateLocalUser(name: string, password: string): Promise<{ name: string; role: Role } | null> {
  const { rows } = await getControlPool().query<{ role: Role; password_hash: string; disabled: boolean }>(
    'select role, password_hash, disabled from console_users where name = $1',
    [name],
  );
  const user = rows[0];
  const matches = await verifyPassword(password, user?.password_hash ?? (await decoyPasswordHash()));
  if (!user || !matches || user.disabled) return null;
  await getControlPool().query('update console_users set last_sign_in_at = now() where name = $1', [name]);
  return { name, role: user.role };
}
