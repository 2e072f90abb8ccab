import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { SupabaseAuthConfig } from './supabase-config';

/**
 * Verifies a Supabase access token on the server, never trusting the cookie:
 * signature, issuer (the project's `<url>/auth/v1`), audience and expiry.
 * Asymmetric tokens are checked against the project's published keys (JWKS);
 * HS256 tokens only when the legacy secret is configured, so a project that
 * moved to signing keys keeps accepting its older tokens until they expire.
 */

/** The algorithms of Supabase's asymmetric signing keys (RSA, P-256, Ed25519); HS256 never goes to the JWKS path. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** The claims the console reads; Supabase Auth puts them in every access token. */
export interface SupabaseAccessClaims extends JWTPayload {
  sub: string;
  exp: number;
  email?: string;
  /** The Supabase Auth session the token belongs to (one per sign-in, kept across refreshes). */
  session_id?: string;
  app_metadata?: Record<string, unknown>;
}

/** `expired`: the ordinary end of a session nobody refreshed, as opposed to a token that never was valid here. */
export type AccessTokenCheck = { valid: true; claims: SupabaseAccessClaims } | { valid: false; expired: boolean; reason: string };

/** One key set per project URL and process: jose caches the keys and refetches on an unknown `kid` (a rotation). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function projectKeys(jwksUrl: string): ReturnType<typeof createRemoteJWKSet> {
  let keySet = keySets.get(jwksUrl);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUrl));
    keySets.set(jwksUrl, keySet);
  }
  return keySet;
}

async function verifyWithProjectKeys(token: string, algorithm: string | undefined, config: SupabaseAuthConfig): Promise<JWTPayload> {
  const claimChecks = { issuer: config.issuer, audience: config.audience, requiredClaims: ['exp', 'sub'] };
  if (algorithm === 'HS256') {
    if (!config.legacyJwtSecret) throw new Error('an HS256 token, and no legacy JWT secret is configured (SHARDSCOPE_SUPABASE_JWT_SECRET)');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(config.legacyJwtSecret), { ...claimChecks, algorithms: ['HS256'] });
    return payload;
  }
  const { payload } = await jwtVerify(token, projectKeys(config.jwksUrl), { ...claimChecks, algorithms: ASYMMETRIC_ALGORITHMS });
  return payload;
}

export async function verifySupabaseAccessToken(token: string, config: SupabaseAuthConfig): Promise<AccessTokenCheck> {
  let algorithm: string | undefined;
  try {
    algorithm = decodeProtectedHeader(token).alg;
  } catch {
    return { valid: false, expired: false, reason: 'not a JWT' };
  }
  try {
    const payload = await verifyWithProjectKeys(token, algorithm, config);
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return { valid: false, expired: false, reason: 'no sub or exp' };
    return { valid: true, claims: payload as SupabaseAccessClaims };
  } catch (error) {
    return { valid: false, expired: error instanceof errors.JWTExpired, reason: (error as Error).message };
  }
}
