import { getEnv } from '@/lib/env';
import { ApiError } from '@/lib/api/errors';
import { writeAudit, type AuditEntry } from './audit';
import { ensureUsersSeededFromEnv } from './env-users';
import { authenticateLocalUser } from './local-provider';
import type { Session } from './session';
import { createSessionToken, newSessionId } from './session-token';
import { clearFailedSignIns, recordFailedSignIn, signInThrottle } from './sign-in-throttle';
import { createUserSession, pruneEndedSessions } from './user-sessions';

export interface SignedIn {
  session: Session;
  token: string;
  maxAgeSeconds: number;
}

export interface SignInClient {
  address: string | null;
  userAgent: string | null;
}

const WRONG_CREDENTIALS = 'wrong user name or password';

function audit(entry: Omit<AuditEntry, 'action'>): Promise<void> {
  return writeAudit({ ...entry, action: 'auth.sign_in' }).catch((error: unknown) =>
    console.warn('[auth] sign-in audit not written:', (error as Error).message),
  );
}

function controlUnavailable(): ApiError {
  return new ApiError('unavailable', 'sign-in needs the control database, which does not answer; people already signed in keep read access');
}

/**
 * Local sign-in: throttled per user name and client address, checked against
 * the control DB's users, and a new server-side session. The same answer for
 * an unknown name, a wrong password and a disabled user.
 */
export async function signIn(username: string, password: string, client: SignInClient): Promise<SignedIn> {
  const env = getEnv();
  if (env.SHARDSCOPE_AUTH_PROVIDER !== 'local') throw new ApiError('conflict', 'this console signs in through Supabase Auth', 'username');
  const name = username.trim().toLowerCase();
  const detail = { address: client.address };

  const throttle = await signInThrottle(name, client.address);
  if (throttle.blocked) {
    await audit({ actor: name, actorRole: 'anonymous', result: 'refused', detail: { ...detail, reason: 'too many failed sign-ins' } });
    const error = new ApiError('rate_limited', `too many failed sign-ins: try again in ${throttle.retryAfterSeconds} s`);
    error.retryAfterSeconds = throttle.retryAfterSeconds;
    throw error;
  }

  let user: Awaited<ReturnType<typeof authenticateLocalUser>>;
  try {
    await ensureUsersSeededFromEnv();
    user = await authenticateLocalUser(name, password);
  } catch {
    throw controlUnavailable();
  }
  if (!user) {
    await recordFailedSignIn(name, client.address);
    await audit({ actor: name, actorRole: 'anonymous', result: 'refused', detail: { ...detail, reason: WRONG_CREDENTIALS } });
    throw new ApiError('unauthorized', WRONG_CREDENTIALS, 'password');
  }

  const maxAgeSeconds = env.SHARDSCOPE_SESSION_TTL_HOURS * 3600;
  const issuedAt = Math.floor(Date.now() / 1000);
  const sid = newSessionId();
  try {
    await createUserSession(sid, user.name, new Date((issuedAt + maxAgeSeconds) * 1000), client);
  } catch {
    throw controlUnavailable();
  }
  await clearFailedSignIns(name);
  await audit({ actor: user.name, actorRole: user.role, result: 'ok', detail });
  pruneEndedSessions().catch(() => {});

  const session: Session = { user: user.name, role: user.role, expiresAt: issuedAt + maxAgeSeconds, provider: 'local', degraded: false };
  const token = createSessionToken({ sid, user: user.name, role: user.role, issuedAt, expiresAt: session.expiresAt }, env.SHARDSCOPE_SESSION_SECRET);
  return { session, token, maxAgeSeconds };
}
