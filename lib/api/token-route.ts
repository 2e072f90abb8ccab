import type { NextRequest } from 'next/server';
import { sessionOrBearerCaller, type RouteCaller } from '@/lib/auth/guard';
import { ApiError } from './errors';
import { toErrorResponse } from './handler';

/**
 * A read-only route that machine clients may call too: a signed-in session
 * (any role) or `Authorization: Bearer <token>` from env, else 401. The token
 * is good only for routes built with this wrapper and naming it, and only for
 * reads: a mutating method is refused whatever the caller holds. Errors map
 * to responses as in apiRoute (lib/api/handler.ts).
 */

type RouteParams = Record<string, string | string[] | undefined>;

export interface TokenRouteContext<P> {
  request: NextRequest;
  caller: RouteCaller;
  params: P;
}

export interface BearerTokenSource {
  /** The env variable's name, for the 401's message. */
  variable: string;
  /** Its value, read per request (lazily: no env at import time); undefined = tokens off, sessions only. */
  value: () => string | undefined;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function sessionOrTokenRoute<P extends RouteParams = RouteParams>(
  token: BearerTokenSource,
  handler: (context: TokenRouteContext<P>) => Promise<Response>,
) {
  return async (request: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    try {
      if (!READ_METHODS.has(request.method)) throw new ApiError('forbidden', 'this route is read-only');
      const caller = await sessionOrBearerCaller(request, token.value());
      if (!caller) throw new ApiError('unauthorized', `sign in first, or send Authorization: Bearer $${token.variable}`);
      return await handler({ request, caller, params: await context.params });
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
