import { apiRoute } from '@/lib/api/handler';
import { signOutEverywhere } from '@/lib/auth/users';
import { userNameParam } from '@/lib/auth/user-fields';

/** Ends every session of the user (a lost laptop, a leaving colleague). */
export const POST = apiRoute<{ name: string }>('admin', async ({ session, params }) =>
  signOutEverywhere(userNameParam(params.name), session),
);
