import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { signOutLocalSession, signOutSupabaseSession } from '@/lib/auth/sign-out';

/** Ends the current session server-side (a copied cookie stops working) and clears its cookies. */
export const POST = apiRoute(
  'viewer',
  async ({ request, session }) => {
    const response = NextResponse.json({ signedOut: true });
    if (session.provider === 'supabase') {
      await signOutSupabaseSession(request.cookies, session, response);
    } else {
      await signOutLocalSession(request.cookies, session);
      clearSessionCookie(response);
    }
    return response;
  },
  { allowDegraded: true },
);
