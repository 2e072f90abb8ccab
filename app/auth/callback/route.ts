import { z } from 'zod';
import { parseSearchParams, publicRoute } from '@/lib/api/handler';
import { completeSupabaseSignIn } from '@/lib/auth/supabase/sign-in-callback';

/** A provider's refusal comes back as `error`/`error_description` instead of `code`: no code, so no session, so the sign-in page says so. */
const callbackQuery = z.object({ code: z.string().min(1).max(2000).optional() });

/** Where Supabase sends the browser back after an OAuth/SSO sign-in (and the password form after its own). */
export const GET = publicRoute(async (request) => completeSupabaseSignIn(request, parseSearchParams(request, callbackQuery).code));
