import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { NextRequest } from 'next/server';
import { getEnv } from '@/lib/env';
import { hasRole, type Role } from './roles';
import { SESSION_COOKIE, verifySessionToken, type Session } from './session-token';

/** Paths anyone may open: the on-call health page, probes, and the sign-in flow. */
export const PUBLIC_PATHS = ['/health', '/api/health', '/api/ready', '/login', '/api/auth/login'] as const;

/**
 * Routes for machine clients (Prometheus): no session cookie, a bearer token
 * from env that the route itself checks, good for that route only.
 */
export const BEARER_TOKEN_PATHS = ['/api/metrics'] as const;

export function isPublicPath(pathname: string): boolean {
  return [...PUBLIC_PATHS, ...BEARER_TOKEN_PATHS].some((publicPath) => pathname === publicPath || pathname.startsWith(`${publicPath}/`));
}

export function sessionFromRequest(request: NextRequest): Session | null {
  return verifySessionToken(request.cookies.get(SESSION_COOKIE)?.value, getEnv().SHARDSCOPE_SESSION_SECRET);
}

/** For server components: the signed-in session, or a redirect to /login. */
export async function requirePageSession(required: Role = 'viewer'): Promise<Session> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = verifySessionToken(token, getEnv().SHARDSCOPE_SESSION_SECRET);
  if (!session) redirect('/login');
  if (!hasRole(session.role, required)) redirect('/');
  return session;
}
