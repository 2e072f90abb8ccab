import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChunks, stringToBase64URL } from '@supabase/ssr';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/**
 * A stand-in Supabase project for tests: a key pair of its own, the public key
 * published at `<url>/auth/v1/.well-known/jwks.json`, sign-out, the PKCE code
 * exchange and refreshes answered from maps the test fills, and sessions
 * encoded into cookies exactly as @supabase/ssr stores them.
 */

/** supabase-js's storage key for a project at http://127.0.0.1:<port>: the host's first label. */
export const AUTH_COOKIE = 'sb-127-auth-token';
const AUDIENCE = 'authenticated';
const SIGNING_KID = 'it-signing-key';
export const LEGACY_SECRET = 'it-legacy-jwt-secret-0123456789-abcdefghij';

export interface FakeProject {
  url: string;
  signingKey: CryptoKey;
  /** A key the project never published. */
  strangerKey: CryptoKey;
  /** Bearer tokens the console sent to POST /auth/v1/logout, with their scope. */
  signOuts: { token: string; scope: string | null }[];
  /** The session the PKCE code exchange answers with, per code. */
  codeSessions: Map<string, Record<string, unknown>>;
  /** The session a refresh answers with, per refresh token. */
  refreshedSessions: Map<string, Record<string, unknown>>;
  /** An access token as Supabase Auth issues it: by default an admin's, signed by the project's published key. */
  accessToken(options?: TokenOptions): Promise<string>;
  /** The Cookie header of a session holding such a token, as @supabase/ssr stores it. */
  sessionCookie(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

export async function startFakeProject(): Promise<FakeProject> {
  const signing = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(signing.publicKey)), kid: SIGNING_KID, alg: 'RS256', use: 'sig' };
  const signOuts: FakeProject['signOuts'] = [];
  const codeSessions = new Map<string, Record<string, unknown>>();
  const refreshedSessions = new Map<string, Record<string, unknown>>();
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    if (request.method === 'GET' && url.pathname === '/auth/v1/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else if (request.method === 'POST' && url.pathname === '/auth/v1/logout') {
      signOuts.push({ token: (request.headers.authorization ?? '').replace(/^Bearer /, ''), scope: url.searchParams.get('scope') });
      response.writeHead(204).end();
    } else if (request.method === 'POST' && url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'pkce') {
      const session = codeSessions.get(JSON.parse(body).auth_code);
      if (session) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session));
      else response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'bad_code', msg: 'invalid flow state' }));
    } else if (request.method === 'POST' && url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'refresh_token') {
      const session = refreshedSessions.get(JSON.parse(body).refresh_token);
      if (session) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session));
      else response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'refresh_token_not_found', msg: 'Invalid Refresh Token' }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accessToken = (options?: TokenOptions) => signAccessToken({ url, signingKey: signing.privateKey }, options);
  return {
    url,
    accessToken,
    sessionCookie: async (options?: TokenOptions) => cookieHeader(authCookies(storedSession(await accessToken(options)))),
    signingKey: signing.privateKey,
    strangerKey: stranger.privateKey,
    signOuts,
    codeSessions,
    refreshedSessions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface TokenOptions {
  role?: unknown;
  email?: string;
  /** Seconds from now. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  key?: CryptoKey | Uint8Array;
  kid?: string;
  algorithm?: 'RS256' | 'HS256';
  sessionId?: string;
}

async function signAccessToken(project: { url: string; signingKey: CryptoKey }, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const algorithm = options.algorithm ?? 'RS256';
  const appMetadata: Record<string, unknown> = { provider: 'email', providers: ['email'] };
  if (options.role !== undefined) appMetadata.shardscope_role = options.role;
  return new SignJWT({
    email: options.email ?? 'oncall@example.com',
    role: 'authenticated',
    aal: 'aal1',
    session_id: options.sessionId ?? randomUUID(),
    app_metadata: appMetadata,
    user_metadata: {},
  })
    .setProtectedHeader(algorithm === 'HS256' ? { alg: 'HS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: options.kid ?? SIGNING_KID })
    .setSubject(randomUUID())
    .setIssuer(options.issuer ?? `${project.url}/auth/v1`)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 5)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(options.key ?? project.signingKey);
}

/** The session as supabase-js keeps it, padded with user metadata when asked (a long one is split into chunks). */
export function storedSession(token: string, userPadding = 0): Record<string, unknown> {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: claims.exp - Math.floor(Date.now() / 1000),
    expires_at: claims.exp,
    refresh_token: `refresh-${randomUUID()}`,
    user: { id: claims.sub, aud: AUDIENCE, email: claims.email, app_metadata: claims.app_metadata, user_metadata: { note: 'x'.repeat(userPadding) } },
  };
}

/** @supabase/ssr's own encoding: `base64-` + base64url of the JSON, split by its chunker when long. */
export function authCookies(session: Record<string, unknown>): { name: string; value: string }[] {
  return createChunks(AUTH_COOKIE, `base64-${stringToBase64URL(JSON.stringify(session))}`);
}

export function cookieHeader(cookies: { name: string; value: string }[]): string {
  return cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
}
