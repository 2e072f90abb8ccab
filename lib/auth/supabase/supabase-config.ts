import { getEnv } from '@/lib/env';

/** What the console needs to know of the platform's Supabase project to sign people in through it. */
export interface SupabaseAuthConfig {
  /** The project URL, without a trailing slash. */
  url: string;
  /** Sent to browsers (the sign-in form's client): publishable by design. */
  publishableKey: string;
  /** The `iss` of the project's access tokens. */
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** The legacy HS256 secret, when the project still signs (or recently signed) with it. */
  legacyJwtSecret: string | undefined;
  oauthProviders: string[];
}

/** Only called with SHARDSCOPE_AUTH_PROVIDER=supabase, where the env check made the URL and key required. */
export function supabaseAuthConfig(): SupabaseAuthConfig {
  const env = getEnv();
  const url = env.SHARDSCOPE_SUPABASE_URL;
  const publishableKey = env.SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY;
  if (!url || !publishableKey) throw new Error('Supabase Auth needs SHARDSCOPE_SUPABASE_URL and SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY');
  return {
    url,
    publishableKey,
    issuer: `${url}/auth/v1`,
    jwksUrl: `${url}/auth/v1/.well-known/jwks.json`,
    audience: env.SHARDSCOPE_SUPABASE_JWT_AUDIENCE,
    legacyJwtSecret: env.SHARDSCOPE_SUPABASE_JWT_SECRET,
    oauthProviders: env.SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS,
  };
}

/**
 * The cookie @supabase/ssr keeps the session in (chunked as `<name>.0`, `.1`, …
 * when long): supabase-js's default storage key, from the project URL's first
 * host label (`abcd` for https://abcd.supabase.co).
 */
export function supabaseAuthCookieName(url: string): string {
  return `sb-${new URL(url).hostname.split('.')[0]}-auth-token`;
}
