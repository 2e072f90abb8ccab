import { z } from 'zod';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { ROLES } from '@/lib/auth/roles';
import { updateUser } from '@/lib/auth/users';
import { newPassword, userNameParam } from '@/lib/auth/user-fields';

const change = z
  .object({ role: z.enum(ROLES).optional(), password: newPassword.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.password !== undefined || body.disabled !== undefined, {
    message: 'give at least one of role, password, disabled',
    path: ['role'],
  });

export const PATCH = apiRoute<{ name: string }>('admin', async ({ request, session, params }) => {
  const name = userNameParam(params.name);
  return { user: await updateUser(name, await parseJsonBody(request, change), session) };
});
