import type { CookieReader } from '../current-session';
import type { Session } from '../session';

/** Placeholder until the Supabase provider lands: nobody is signed in through it. */
export async function resolveSupabaseSession(_cookies: CookieReader): Promise<Session | null> {
  return null;
}
