import { createServerClient, type CookieOptions } from '@supabase/ssr';
import type { SupabaseClient, SupabaseClientOptions } from '@supabase/supabase-js';
import type { NextResponse } from 'next/server';
import type { CookieReader } from '../current-session';
import type { SupabaseAuthConfig } from './supabase-config';

/** A call to the Supabase project (refresh, code exchange, sign-out) gives up after this: a dead project must not hang the console. */
const SUPABASE_CALL_TIMEOUT_MS = 5000;

/** What the Supabase client asked to write on the way out: the session's cookies, and headers keeping them out of shared caches. */
export interface AuthCookieWrites {
  cookies: { name: string; value: string; options: CookieOptions }[];
  headers: Record<string, string>;
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

/**
 * supabase-js builds a Realtime client inside every client, and on Node 20
 * (no global WebSocket) that throws unless it is given a transport. The
 * console's server clients only talk to Auth: this transport says so if
 * anything ever opens a channel.
 */
class NoRealtimeOnTheServer {
  constructor() {
    throw new Error('the console does not use Supabase Realtime on the server');
  }
}

function fetchWithTimeout(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(SUPABASE_CALL_TIMEOUT_MS) });
}

/**
 * A Supabase server client for one request (never shared: it holds that
 * request's session). It reads the request's cookies and records what it
 * wants written in `writes`, for the caller to put on its response; `onWrite`
 * lets the proxy also update the request it passes on.
 */
export function createSupabaseServerClient(
  config: SupabaseAuthConfig,
  cookies: CookieReader,
  writes: AuthCookieWrites,
  onWrite: (name: string, value: string) => void = () => {},
): SupabaseClient {
  return createServerClient(config.url, config.publishableKey, {
    global: { fetch: fetchWithTimeout },
    realtime: { transport: NoRealtimeOnTheServer as unknown as RealtimeTransport },
    cookies: {
      getAll: () => cookies.getAll(),
      setAll(cookiesToSet, headers) {
        for (const cookie of cookiesToSet) {
          writes.cookies.push(cookie);
          onWrite(cookie.name, cookie.value);
        }
        Object.assign(writes.headers, headers);
      },
    },
  });
}

export function emptyAuthCookieWrites(): AuthCookieWrites {
  return { cookies: [], headers: {} };
}

export function applyAuthCookieWrites(response: NextResponse, writes: AuthCookieWrites): void {
  for (const { name, value, options } of writes.cookies) response.cookies.set(name, value, options);
  for (const [name, value] of Object.entries(writes.headers)) response.headers.set(name, value);
}
