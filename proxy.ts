import { NextResponse, type NextRequest } from 'next/server';
import { isPublicPath, sessionFromRequest } from '@/lib/auth/guard';

/**
 * The optimistic first gate: no session → /login for pages, 401 JSON for the
 * API. The real checks (session and role) run again in every page layout and
 * route handler, so a matcher gap here never opens a route.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (isPublicPath(pathname) || sessionFromRequest(request)) return NextResponse.next();
  if (pathname.startsWith('/api/')) {
    return NextResponse.json({ error: { code: 'unauthorized', message: 'sign in first' } }, { status: 401 });
  }
  return NextResponse.redirect(new URL('/login', request.url));
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
