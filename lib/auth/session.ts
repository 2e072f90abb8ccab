import type { Role } from './roles';

/** Who is asking, as every route handler and page sees it, whichever provider signed them in. */
export interface Session {
  /** The local user name, or the Supabase user's email (its id when it has none). */
  user: string;
  role: Role;
  /** Unix seconds: when the session (or the provider's access token) ends. */
  expiresAt: number;
  provider: 'local' | 'supabase';
  /**
   * The control DB did not answer, so the signed cookie's user and role stand
   * unchecked: reads only (route handlers refuse mutations, pages say so).
   */
  degraded: boolean;
}
