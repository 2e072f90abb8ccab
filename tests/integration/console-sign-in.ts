import { NextRequest } from 'next/server';
import { POST as loginRoute } from '@/app/api/auth/login/route';
import { SESSION_COOKIE } from '@/lib/auth/session-token';
import { CONSOLE_HOST } from './console-requests';

/**
 * Requests as the browser sends them to the console (same Origin, JSON), for
 * tests that sign real users in through the login route and then call route
 * handlers with the cookie they got.
 */

export interface RouteAnswer {
  status: number;
  body: { error?: { code: string; message: string; field?: string } } & Record<string, unknown>;
  headers: Headers;
}

type Handler<P> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

export function consoleRequest(path: string, options: { method?: string; cookie?: string; body?: unknown; forwardedFor?: string } = {}): NextRequest {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, {
    method,
    headers: {
      host: CONSOLE_HOST,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
      ...(method === 'GET' ? {} : { origin: `http://${CONSOLE_HOST}`, 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export async function callRoute<P extends Record<string, string> = Record<string, never>>(
  handler: Handler<P>,
  request: NextRequest,
  params: P = {} as P,
): Promise<RouteAnswer> {
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export interface SignInAnswer extends RouteAnswer {
  /** The Cookie header value of the new session; null when refused. */
  cookie: string | null;
}

/** POST /api/auth/login from `address` (the X-Forwarded-For the throttle counts per address). */
export async function signIn(username: string, password: string, address: string): Promise<SignInAnswer> {
  const response = await loginRoute(consoleRequest('/api/auth/login', { body: { username, password }, forwardedFor: address }));
  const set = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  const cookie = set?.split(';')[0] ?? null;
  return { status: response.status, body: await response.json(), headers: response.headers, cookie: cookie === `${SESSION_COOKIE}=` ? null : cookie };
}

/** A client address no other sign-in of this run used, in 2001:db8::/32 (documentation only: never a real client). */
const RUN = Math.floor(Math.random() * 0xffff).toString(16);
let addressCounter = 0;
export function freshAddress(): string {
  addressCounter += 1;
  return `2001:db8:${RUN}::${addressCounter.toString(16)}`;
}
