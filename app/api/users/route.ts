import { z } from 'zod';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { ROLES } from '@/lib/auth/roles';
import { createUser, listUsers } from '@/lib/auth/users';
import { newPassword, userName } from '@/lib/auth/user-fields';

const newUser = z.object({ name: userName, role: z.enum(ROLES), password: newPassword });

/** Local console users (admin). */
export const GET = apiRoute('admin', async () => ({ users: await listUsers() }));

export const POST = apiRoute('admin', async ({ request, session }) => {
  const input = await parseJsonBody(request, newUser);
  return { user: await createUser(input, session) };
});
