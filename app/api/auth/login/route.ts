import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parseJsonBody, publicRoute } from '@/lib/api/handler';
import { clientAddress } from '@/lib/auth/client-address';
import { setSessionCookie } from '@/lib/auth/session-cookie';
import { signIn } from '@/lib/auth/sign-in';

const credentials = z.object({
  username: z.string().trim().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(256),
});

export const POST = publicRoute(async (request) => {
  const { username, password } = await parseJsonBody(request, credentials);
  const client = { address: clientAddress(request), userAgent: request.headers.get('user-agent') };
  const { session, token, maxAgeSeconds } = await signIn(username, password, client);
  const response = NextResponse.json({ user: session.user, role: session.role });
  setSessionCookie(response, request, token, maxAgeSeconds);
  return response;
});
