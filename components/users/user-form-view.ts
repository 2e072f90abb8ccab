import { formatAge } from '@/lib/history/worker-status-model';
import { hasRole, type Role } from '@/lib/auth/roles';
import { newPassword, userName } from '@/lib/auth/user-fields';

/**
 * The Users page's words and checks as pure functions: the server's field
 * rules run as the admin types (so the form says what is wrong before a
 * round trip), which field a 400 names, and the generated password.
 */

export type UserField = 'name' | 'role' | 'password';
export type UserProblems = Partial<Record<UserField, string>>;

export function asUserField(field: string | undefined): UserField | null {
  return field === 'name' || field === 'role' || field === 'password' ? field : null;
}

function problemOf(result: { success: boolean; error?: { issues: { message: string }[] } }): string | undefined {
  return result.success ? undefined : (result.error?.issues[0]?.message ?? 'invalid');
}

export function nameProblem(name: string): string | undefined {
  return problemOf(userName.safeParse(name));
}

export function passwordProblem(password: string): string | undefined {
  return problemOf(newPassword.safeParse(password));
}

/** 18 random bytes as base64url: 24 characters, 144 bits, nothing to mistype in a shell or a password manager. */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = random(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}

/** Whether moving from `from` to `to` takes rights away (so it asks first when the admin does it to itself). */
export function isDemotion(from: Role, to: Role): boolean {
  return !hasRole(to, from);
}

/** "3 min ago", or "never". */
export function formatWhen(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  return `${formatAge(seconds)} ago`;
}
