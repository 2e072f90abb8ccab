import { apiRoute } from '@/lib/api/handler';

/**
 * Who am I: the client uses it to show the user and hide actions the role
 * cannot take. `degraded`: the control DB did not answer, so the role is the
 * cookie's and the console is read-only.
 */
export const GET = apiRoute('viewer', async ({ session }) => ({
  user: session.user,
  role: session.role,
  expiresAt: session.expiresAt,
  degraded: session.degraded,
}));
