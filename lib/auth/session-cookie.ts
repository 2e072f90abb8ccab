import type { NextRequest, NextResponse } from 'next/server';
import { SESSION_COOKIE } from './session-token';

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site send), Secure whenever served over HTTPS. */
export function setSessionCookie(response: NextResponse, request: NextRequest, token: string, maxAgeSeconds: number): void {
  const forwardedProto = request.headers.get('x-forwarded-proto');
  response.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: (forwardedProto ?? request.nextUrl.protocol.replace(':', '')) === 'https',
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(response: NextResponse): void {
  response.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 });
}
