import { getEnv } from '@/lib/env';
import { ApiError } from '@/lib/api/errors';
import { writeAudit } from './audit';
import { authenticateLocalUser } from './local-provider';
import { createSessionToken, type Session } from './session-token';

export interface SignedIn {
  session: Session;
  token: string;
  maxAgeSeconds: number;
}

/**
 * Checks credentials and issues a session. Sign-ins are audited, but best
 * effort: an on-call engineer must be able to sign in while the control DB is
 * the thing that is down.
 */
export async function signIn(username: string, password: string): Promise<SignedIn> {
  const env = getEnv();
  const role = authenticateLocalUser(username, password);
  await writeAudit({
    actor: username,
    actorRole: role ?? 'anonymous',
    action: 'auth.sign_in',
    result: role ? 'ok' : 'refused',
  }).catch((error: unknown) => console.warn('[auth] sign-in audit not written:', (error as Error).message));
  if (!role) throw new ApiError('unauthorized', 'wrong user name or password', 'password');

  const maxAgeSeconds = env.SHARDSCOPE_SESSION_TTL_HOURS * 3600;
  const issuedAt = Math.floor(Date.now() / 1000);
  const session: Session = { user: username, role, issuedAt, expiresAt: issuedAt + maxAgeSeconds };
  return { session, token: createSessionToken(session, env.SHARDSCOPE_SESSION_SECRET), maxAgeSeconds };
}
