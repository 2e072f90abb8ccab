import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { signOutLocalSession } from '@/lib/auth/sign-out';

/** Ends the current session server-side (a copied cookie stops working) and clears the cookie. */
export const POST = apiRoute(
  'viewer',
  async ({ request, session }) => {
    await signOutLocalSession(request.cookies, session);
    const response = NextResponse.json({ signedOut: true });
    clearSessionCookie(response);
    return response;
  },
  { allowDegraded: true },
);
