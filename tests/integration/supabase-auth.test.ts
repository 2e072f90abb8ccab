import { randomUUID } from 'node:crypto';
import { createChunks, stringToBase64URL } from '@supabase/ssr';
import { NextRequest, NextResponse } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSOLE_HOST } from './console-requests';
import {
  AUTH_COOKIE,
  authCookies,
  cookieHeader,
  LEGACY_SECRET,
  startFakeProject,
  storedSession,
  type FakeProject,
  type TokenOptions,
} from './fake-supabase-project';
import { ownControlDb } from './own-control-db';

/**
 * Supabase Auth through the real route handlers. The test plays the Supabase
 * project: it signs access tokens with a key pair of its own and publishes
 * the public key at `<url>/auth/v1/.well-known/jwks.json` from a local HTTP
 * server (which also answers sign-out and the PKCE code exchange), and puts
 * each session in the cookie exactly as @supabase/ssr stores it. The console
 * reads the project from env, so each describe sets it and loads the route
 * modules afresh (lib/env.ts parses once per module registry).
 */

const controlDb = ownControlDb('it_supabase_auth');
const { withControl } = controlDb;

let project: FakeProject;
const accessToken = (options?: TokenOptions) => project.accessToken(options);
const sessionCookie = (options?: TokenOptions) => project.sessionCookie(options);

function request(urlPath: string, cookie: string | null, init: { method?: string; body?: unknown } = {}): NextRequest {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { host: CONSOLE_HOST };
  if (cookie) headers.cookie = cookie;
  if (method !== 'GET') headers.origin = `http://${CONSOLE_HOST}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return new NextRequest(`http://${CONSOLE_HOST}${urlPath}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

const noParams = { params: Promise.resolve({}) };

/** The cookies a response sets, as the browser would send them back. */
function setCookies(response: Response): { name: string; value: string }[] {
  return response.headers.getSetCookie().map((header) => {
    const pair = header.split(';')[0];
    const equals = pair.indexOf('=');
    return { name: pair.slice(0, equals), value: decodeURIComponent(pair.slice(equals + 1)) };
  });
}

/** The console as a fresh process with the given env would run it: route modules and lib/env loaded anew. */
async function loadConsole(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
  return {
    channels: await import('@/app/api/notification-channels/route'),
    alertRules: await import('@/app/api/alert-rules/route'),
    logout: await import('@/app/api/auth/logout/route'),
    callback: await import('@/app/auth/callback/route'),
    supabaseSession: await import('@/lib/auth/supabase/supabase-session'),
    proxyGate: await import('@/lib/auth/proxy-gate'),
  };
}

type Console = Awaited<ReturnType<typeof loadConsole>>;

const channel = (name: string) => ({ name, kind: 'webhook', url: 'http://127.0.0.1:9/hook', enabled: false });

async function auditRows(action: string): Promise<{ actor: string; actor_role: string; result: string; detail: Record<string, unknown> }[]> {
  return withControl(async (client) => (await client.query('select actor, actor_role, result, detail from audit_log where action = $1 order by id', [action])).rows);
}

const savedEnv = { ...process.env };

beforeAll(async () => {
  await controlDb.create();
  project = await startFakeProject();
});

afterAll(async () => {
  await project?.close();
  await controlDb.drop();
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

describe('Supabase Auth with the project\'s signing keys (JWKS)', () => {
  let consoleApp: Console;

  beforeAll(async () => {
    consoleApp = await loadConsole({
      SHARDSCOPE_AUTH_PROVIDER: 'supabase',
      SHARDSCOPE_SUPABASE_URL: project.url,
      SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_integration_0123456789',
      SHARDSCOPE_SUPABASE_JWT_SECRET: undefined,
    });
  });

  const createChannel = async (cookie: string | null, name = `ops-${randomUUID().slice(0, 8)}`) =>
    consoleApp.channels.POST(request('/api/notification-channels', cookie, { method: 'POST', body: channel(name) }), noParams);
  const readRules = async (cookie: string | null) => consoleApp.alertRules.GET(request('/api/alert-rules', cookie), noParams);

  it('lets an admin token mutate, audited under the Supabase user', async () => {
    const response = await createChannel(await sessionCookie({ role: 'admin', email: 'admin@example.com' }), 'supabase-admin-channel');
    expect(response.status).toBe(201);
    const audit = (await auditRows('notification_channel.create')).filter((row) => row.actor === 'admin@example.com');
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_role).toBe('admin');
  });

  it('reads a session split over several cookies by the chunker', async () => {
    const cookies = authCookies(storedSession(await accessToken({ role: 'admin' }), 6000));
    expect(cookies.length).toBeGreaterThan(1);
    expect(cookies[0].name).toBe(`${AUTH_COOKIE}.0`);
    expect((await createChannel(cookieHeader(cookies))).status).toBe(201);
  });

  it('lets a viewer token read but not mutate (403)', async () => {
    const viewer = await sessionCookie({ role: 'viewer' });
    expect((await readRules(viewer)).status).toBe(200);
    const response = await createChannel(viewer);
    expect(response.status).toBe(403);
    expect((await response.json()).error.message).toMatch(/admin role/);
  });

  it('refuses expired, wrong-audience, wrong-issuer and foreign-signed tokens (401)', async () => {
    const refused: [string, TokenOptions][] = [
      ['expired', { role: 'admin', expiresIn: -60 }],
      ['wrong audience', { role: 'admin', audience: 'anon' }],
      ['wrong issuer', { role: 'admin', issuer: 'https://other-project.supabase.co/auth/v1' }],
      ['signed by another key under the published kid', { role: 'admin', key: project.strangerKey }],
      ['signed by an unpublished key', { role: 'admin', key: project.strangerKey, kid: 'unknown-kid' }],
      ['HS256 while no legacy secret is configured', { role: 'admin', algorithm: 'HS256', key: new TextEncoder().encode(LEGACY_SECRET) }],
    ];
    for (const [why, options] of refused) {
      const cookie = await sessionCookie(options);
      expect((await readRules(cookie)).status, why).toBe(401);
      expect((await createChannel(cookie)).status, why).toBe(401);
    }
  });

  it('refuses a cookie that is not a session, and no cookie at all (401)', async () => {
    expect((await readRules(`${AUTH_COOKIE}=base64-bm90IGpzb24`)).status).toBe(401);
    expect((await readRules(`${AUTH_COOKIE}=${await accessToken({ role: 'admin' })}`)).status).toBe(401);
    expect((await readRules(null)).status).toBe(401);
  });

  it('gives a user without a console role (or an unknown one) no access: 403 saying how to get one', async () => {
    for (const role of [undefined, 'superuser', ['admin']]) {
      const cookie = await sessionCookie({ role, email: 'newcomer@example.com' });
      const access = await consoleApp.supabaseSession.readSupabaseAccess(request('/', cookie).cookies);
      expect(access).toEqual({ kind: 'no-role', user: 'newcomer@example.com' });
      for (const response of [await readRules(cookie), await createChannel(cookie)]) {
        expect(response.status, JSON.stringify(role)).toBe(403);
        expect((await response.json()).error.message).toBe(consoleApp.supabaseSession.NO_ROLE_MESSAGE);
      }
    }
    expect(consoleApp.supabaseSession.NO_ROLE_MESSAGE).toMatch(/app_metadata\.shardscope_role/);
  });

  it('lets the proxy through with a stored session and not without one', async () => {
    const signedIn = await consoleApp.proxyGate.proxyAuth(request('/', await sessionCookie({ role: 'viewer' })));
    expect(signedIn.signedIn).toBe(true);
    expect((await consoleApp.proxyGate.proxyAuth(request('/', null))).signedIn).toBe(false);
  });

  it('hands a refreshed session to the request it passes on and to the response', async () => {
    // Inside supabase-js's refresh margin (90 s): the proxy's client refreshes it.
    const expiring = storedSession(await accessToken({ role: 'viewer', email: 'before@example.com', expiresIn: 30 }));
    const refreshed = storedSession(await accessToken({ role: 'viewer', email: 'after@example.com' }));
    project.refreshedSessions.set(expiring.refresh_token as string, refreshed);
    const proxied = request('/', cookieHeader(authCookies(expiring)));

    const auth = await consoleApp.proxyGate.proxyAuth(proxied);
    expect(auth.signedIn).toBe(true);
    expect(await consoleApp.supabaseSession.readSupabaseAccess(proxied.cookies)).toMatchObject({ kind: 'signed-in', session: { user: 'after@example.com' } });
    const response = NextResponse.next();
    auth.applyCookies(response);
    const sent = cookieHeader(setCookies(response).filter(({ value }) => value));
    expect(await consoleApp.supabaseSession.readSupabaseAccess(request('/', sent).cookies)).toMatchObject({ session: { user: 'after@example.com' } });
  });

  it('signs out a session whose refresh Supabase refuses', async () => {
    const expiring = storedSession(await accessToken({ role: 'viewer', expiresIn: -10 }));
    const auth = await consoleApp.proxyGate.proxyAuth(request('/', cookieHeader(authCookies(expiring))));
    expect(auth.signedIn).toBe(false);
    const response = NextResponse.next();
    auth.applyCookies(response);
    expect(setCookies(response)).toContainEqual({ name: AUTH_COOKIE, value: '' });
  });

  it('signs out: Supabase ends the session, the cookies are cleared, the same cookie is refused after', async () => {
    const sessionId = randomUUID();
    const token = await accessToken({ role: 'viewer', email: 'leaving@example.com', sessionId });
    const cookies = authCookies(storedSession(token, 6000));
    const cookie = cookieHeader(cookies);
    expect((await readRules(cookie)).status).toBe(200);

    const response = await consoleApp.logout.POST(request('/api/auth/logout', cookie, { method: 'POST', body: {} }), noParams);
    expect(response.status).toBe(200);
    expect(project.signOuts).toContainEqual({ token, scope: 'local' });
    const setCookies = response.headers.getSetCookie();
    for (const { name } of cookies) {
      expect(setCookies.some((header) => header.startsWith(`${name}=;`) && /Max-Age=0/i.test(header)), name).toBe(true);
    }
    expect((await readRules(cookie)).status).toBe(401);
    const audit = (await auditRows('auth.sign_out')).filter((row) => row.actor === 'leaving@example.com');
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({ provider: 'supabase' });
  });

  it('audits a password sign-in at /auth/callback and sends the user to the console, or to /no-access without a role', async () => {
    const callback = (cookie: string | null, query = '') => consoleApp.callback.GET(request(`/auth/callback${query}`, cookie));

    const signedIn = await callback(await sessionCookie({ role: 'operator', email: 'operator@example.com' }));
    expect(signedIn.status).toBe(307);
    expect(new URL(signedIn.headers.get('location')!).pathname).toBe('/');

    const roleless = await callback(await sessionCookie({ email: 'roleless@example.com' }));
    expect(new URL(roleless.headers.get('location')!).pathname).toBe('/no-access');

    const nobody = await callback(null);
    expect(new URL(nobody.headers.get('location')!).pathname).toBe('/login');

    const audit = await auditRows('auth.sign_in');
    expect(audit.find((row) => row.actor === 'operator@example.com')).toMatchObject({ actor_role: 'operator', result: 'ok', detail: { provider: 'supabase', method: 'password' } });
    expect(audit.find((row) => row.actor === 'roleless@example.com')).toMatchObject({ result: 'refused' });
  });

  it('exchanges an OAuth code (PKCE) at /auth/callback, setting the session cookie the next request is signed in with', async () => {
    const code = randomUUID();
    const session = storedSession(await accessToken({ role: 'admin', email: 'github-user@example.com' }));
    project.codeSessions.set(code, session);
    // What the browser client stored when it sent the user to the provider.
    const verifier = cookieHeader(createChunks(`${AUTH_COOKIE}-code-verifier`, `base64-${stringToBase64URL(JSON.stringify('v'.repeat(56)))}`));

    const response = await consoleApp.callback.GET(request(`/auth/callback?code=${code}`, verifier));
    expect(new URL(response.headers.get('location')!).pathname).toBe('/');
    const sessionCookies = setCookies(response).filter(({ name, value }) => name.startsWith(AUTH_COOKIE) && !name.endsWith('-code-verifier') && value);
    expect(sessionCookies.length).toBeGreaterThan(0);
    expect((await createChannel(cookieHeader(sessionCookies))).status).toBe(201);
    const audit = (await auditRows('auth.sign_in')).find((row) => row.actor === 'github-user@example.com');
    expect(audit).toMatchObject({ actor_role: 'admin', result: 'ok', detail: { method: 'oauth' } });

    const refused = await consoleApp.callback.GET(request('/auth/callback?code=not-a-code', verifier));
    expect(refused.headers.get('location')).toMatch(/\/login\?error=sign-in$/);
  });
});

describe('Supabase Auth with the legacy JWT secret (HS256)', () => {
  let consoleApp: Console;

  beforeAll(async () => {
    consoleApp = await loadConsole({
      SHARDSCOPE_AUTH_PROVIDER: 'supabase',
      SHARDSCOPE_SUPABASE_URL: project.url,
      SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_integration_0123456789',
      SHARDSCOPE_SUPABASE_JWT_SECRET: LEGACY_SECRET,
    });
  });

  const createChannel = async (cookie: string) =>
    consoleApp.channels.POST(request('/api/notification-channels', cookie, { method: 'POST', body: channel(`legacy-${randomUUID().slice(0, 8)}`) }), noParams);
  const hs256 = (options: TokenOptions = {}) => sessionCookie({ algorithm: 'HS256', key: new TextEncoder().encode(LEGACY_SECRET), ...options });

  it('accepts an admin token signed with the secret, and still the signing-key tokens', async () => {
    expect((await createChannel(await hs256({ role: 'admin' }))).status).toBe(201);
    expect((await createChannel(await sessionCookie({ role: 'admin' }))).status).toBe(201);
  });

  it('refuses a viewer (403) and expired, wrong-audience, wrong-issuer or wrongly signed HS256 tokens (401)', async () => {
    expect((await createChannel(await hs256({ role: 'viewer' }))).status).toBe(403);
    for (const [why, options] of [
      ['expired', { role: 'admin', expiresIn: -60 }],
      ['wrong audience', { role: 'admin', audience: 'anon' }],
      ['wrong issuer', { role: 'admin', issuer: 'supabase' }],
      ['another secret', { role: 'admin', key: new TextEncoder().encode('another-secret-of-the-same-length-000000000') }],
    ] as [string, TokenOptions][]) {
      expect((await createChannel(await hs256(options))).status, why).toBe(401);
    }
  });
});

describe('the local provider, still the default', () => {
  it('ignores Supabase cookies and keeps the callback closed', async () => {
    const consoleApp = await loadConsole({ SHARDSCOPE_AUTH_PROVIDER: undefined, SHARDSCOPE_SUPABASE_URL: undefined, SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: undefined });
    const cookie = await sessionCookie({ role: 'admin' });
    expect((await consoleApp.alertRules.GET(request('/api/alert-rules', cookie), noParams)).status).toBe(401);
    expect((await consoleApp.callback.GET(request('/auth/callback', cookie))).status).toBe(404);
  });
});
