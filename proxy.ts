import { NextResponse, type NextRequest } from 'next/server';
import { isPublicPath } from '@/lib/auth/guard';
import { proxyAuth } from '@/lib/auth/proxy-gate';
import { getEnv } from '@/lib/env';
import {
  NONCE_HEADER,
  buildContentSecurityPolicy,
  connectOriginsFromEnv,
  createNonce,
  isServedOverHttps,
  securityHeaders,
} from '@/lib/security/headers';

/**
 * The optimistic first gate: no session → /login for pages, 401 JSON for the
 * API. The real checks (session and role) run again in every page layout and
 * route handler, so a matcher gap here never opens a route.
 *
 * Every answer leaves with the security headers, a fresh script nonce each
 * time. The CSP also goes on the request: Next reads the nonce from there and
 * puts it on the page's own scripts (which is why every page renders per
 * request: see app/layout.tsx).
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const https = isServedOverHttps(request.nextUrl.protocol, request.headers.get('x-forwarded-proto'));
  const nonce = createNonce();
  const contentSecurityPolicy = buildContentSecurityPolicy({
    nonce,
    development: process.env.NODE_ENV === 'development',
    connectOrigins: connectOriginsFromEnv(getEnv()),
    https,
  });
  const auth = await proxyAuth(request);
  let response: NextResponse;
  if (isPublicPath(pathname) || auth.signedIn) {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set(NONCE_HEADER, nonce);
    requestHeaders.set('Content-Security-Policy', contentSecurityPolicy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else if (pathname.startsWith('/api/')) {
    response = NextResponse.json({ error: { code: 'unauthorized', message: 'sign in first' } }, { status: 401 });
  } else {
    response = NextResponse.redirect(new URL('/login', request.url));
  }
  auth.applyCookies(response);
  for (const [name, value] of Object.entries(securityHeaders(contentSecurityPolicy, https))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
