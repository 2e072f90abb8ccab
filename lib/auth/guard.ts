import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { NextRequest } from 'next/server';
import { bearerTokenMatches } from './bearer-token';
import { resolveSession } from './current-session';
import { hasRole, type Role } from './roles';
import type { Session } from './session';

/** Paths anyone may open: the on-call health page, probes, and the sign-in flow (local form, Supabase's OAuth/SSO return). */
export const PUBLIC_PATHS = ['/health', '/api/health', '/api/ready', '/login', '/api/auth/login', '/auth/callback'] as const;

/**
 * Routes for machine clients (Prometheus): no session cookie, a bearer token
 * from env that the route itself checks, good for that route only.
 */
export const BEARER_TOKEN_PATHS = ['/api/metrics'] as const;

/**
 * Machine-client routes with an id in the path, matched whole (no prefix): the
 * proxy lets exactly these through without a cookie, never a sibling such as
 * /api/tenants/<id> or /api/tenants/<id>/usage. The route itself still checks
 * the session or the token (apps' routing client: SHARDSCOPE_APP_TOKEN).
 */
export const BEARER_TOKEN_PATH_PATTERNS = [/^\/api\/tenants\/[^/]+\/route$/] as const;

export function isBearerTokenPath(pathname: string): boolean {
  return (
    BEARER_TOKEN_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`)) ||
    BEARER_TOKEN_PATH_PATTERNS.some((pattern) => pattern.test(pathname))
  );
}

/** Paths the proxy lets through without a session: public ones, and bearer-token routes (which check their token). */
export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((publicPath) => pathname === publicPath || pathname.startsWith(`${publicPath}/`)) || isBearerTokenPath(pathname);
}

export function sessionFromRequest(request: NextRequest): Promise<Session | null> {
  return resolveSession(request.cookies);
}

/** Who asked: a signed-in person, or an app holding the read-only app token. */
export type RouteCaller = { kind: 'session'; session: Session } | { kind: 'app-token' };

/**
 * A signed-in session, else a matching `Authorization: Bearer` token, else null.
 * A session wins when both are sent; an unset token (undefined) matches nothing.
 */
export async function sessionOrBearerCaller(request: NextRequest, expectedToken: string | undefined): Promise<RouteCaller | null> {
  const session = await sessionFromRequest(request);
  if (session) return { kind: 'session', session };
  if (bearerTokenMatches(request.headers.get('authorization'), expectedToken)) return { kind: 'app-token' };
  return null;
}

/** For server components: the signed-in session, or a redirect to /login. */
export async function requirePageSession(required: Role = 'viewer'): Promise<Session> {
  const session = await resolveSession(await cookies());
  if (!session) redirect('/login');
  if (!hasRole(session.role, required)) redirect('/');
  return session;
}
