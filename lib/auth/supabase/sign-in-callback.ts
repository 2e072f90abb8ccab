import { NextResponse, type NextRequest } from 'next/server';
import { ApiError } from '@/lib/api/errors';
import { getEnv } from '@/lib/env';
import { writeAudit } from '../audit';
import { applyAuthCookieWrites, createSupabaseServerClient, emptyAuthCookieWrites } from './server-client';
import { supabaseAuthConfig } from './supabase-config';
import { accessOfToken, readSupabaseAccess, type SupabaseAccess } from './supabase-session';

/** Where the sign-in page says the provider's round trip did not complete. */
export const SIGN_IN_FAILED_PATH = '/login?error=sign-in';

/**
 * The end of every Supabase sign-in, where the console learns of it (the
 * password form runs in the browser, straight against Supabase): an OAuth or
 * SSO provider comes back with a PKCE `code`, exchanged here for the session
 * cookies; the password form comes here with its session already set. Either
 * way the token is verified as every request will verify it, the sign-in is
 * audited, and the browser goes to the console, or to /no-access when the
 * user has no console role.
 */
export async function completeSupabaseSignIn(request: NextRequest, code: string | undefined): Promise<NextResponse> {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'supabase') throw new ApiError('not_found', 'sign-in goes through /login with the local provider');
  const config = supabaseAuthConfig();
  const writes = emptyAuthCookieWrites();
  let access: SupabaseAccess;
  if (code) {
    const { data, error } = await createSupabaseServerClient(config, request.cookies, writes).auth.exchangeCodeForSession(code);
    if (error || !data.session) {
      await auditSignIn({ kind: 'signed-out' }, 'oauth', error?.message ?? 'no session');
      return NextResponse.redirect(new URL(SIGN_IN_FAILED_PATH, request.url));
    }
    access = await accessOfToken(data.session.access_token, config);
  } else {
    access = await readSupabaseAccess(request.cookies);
  }
  await auditSignIn(access, code ? 'oauth' : 'password');
  const destination = access.kind === 'signed-in' ? '/' : access.kind === 'no-role' ? '/no-access' : SIGN_IN_FAILED_PATH;
  const response = NextResponse.redirect(new URL(destination, request.url));
  applyAuthCookieWrites(response, writes);
  return response;
}

/** Best effort, like every sign-in audit: the control DB being down must not stop a sign-in. */
async function auditSignIn(access: SupabaseAccess, method: 'oauth' | 'password', failure?: string): Promise<void> {
  const entry =
    access.kind === 'signed-in'
      ? { actor: access.session.user, actorRole: access.session.role, result: 'ok' as const, detail: { provider: 'supabase', method } }
      : access.kind === 'no-role'
        ? { actor: access.user, actorRole: 'anonymous' as const, result: 'refused' as const, detail: { provider: 'supabase', method, reason: 'no app_metadata.shardscope_role' } }
        : { actor: 'anonymous', actorRole: 'anonymous' as const, result: 'failed' as const, detail: { provider: 'supabase', method, reason: failure ?? 'no valid session' } };
  await writeAudit({ ...entry, action: 'auth.sign_in' }).catch((error: unknown) =>
    console.warn(`[auth] Supabase sign-in of ${entry.actor} not audited: ${(error as Error).message}`),
  );
}
