import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { writeAudit } from '@/lib/auth/audit';
import { clearSessionCookie } from '@/lib/auth/session-cookie';

export const POST = apiRoute('viewer', async ({ session }) => {
  await writeAudit({ actor: session.user, actorRole: session.role, action: 'auth.sign_out', result: 'ok' }).catch(() => {});
  const response = NextResponse.json({ signedOut: true });
  clearSessionCookie(response);
  return response;
});
