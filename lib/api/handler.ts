import { NextResponse, type NextRequest } from 'next/server';
import { z, ZodError } from 'zod';
import { writeAudit } from '@/lib/auth/audit';
import { isSameOrigin } from '@/lib/auth/origin';
import { sessionFromRequest } from '@/lib/auth/guard';
import { hasRole, type Role } from '@/lib/auth/roles';
import { noRoleRefusal } from '@/lib/auth/supabase/no-role';
import type { Session } from '@/lib/auth/session';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { ApiError } from './errors';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03']);

/** A server that went away (the control DB during an outage): 503, not a 500 that reads like a bug. */
function isUnreachable(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code !== undefined && UNREACHABLE_CODES.has(code)) || /Connection terminated|timeout exceeded when trying to connect/i.test(message ?? '');
}

/**
 * Route handlers are: this wrapper (session, role, Origin on mutations, error
 * mapping) + a zod parse + one lib/ call. Nothing else belongs in app/api.
 */

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type RouteParams = Record<string, string | string[] | undefined>;
interface RouteContext<P> {
  params: Promise<P>;
}

export interface ApiRequestContext<P> {
  request: NextRequest;
  session: Session;
  params: P;
}

export function toErrorResponse(error: unknown): NextResponse {
  if (error instanceof ApiError) {
    const headers = error.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(error.retryAfterSeconds) };
    return NextResponse.json(error.toBody(), { status: error.status, headers });
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join('.') || undefined;
    const apiError = new ApiError('bad_request', `${field ?? 'request'}: ${issue?.message ?? 'invalid'}`, field);
    return NextResponse.json(apiError.toBody(), { status: 400 });
  }
  if (isUnreachable(error)) {
    const apiError = new ApiError('unavailable', `a database the console needs does not answer: ${describeNodeError(error)}`);
    return NextResponse.json(apiError.toBody(), { status: 503 });
  }
  console.error('[api] unexpected error', error);
  return NextResponse.json(new ApiError('internal', 'internal error').toBody(), { status: 500 });
}

function requestHost(request: NextRequest): string | null {
  return request.headers.get('x-forwarded-host') ?? request.headers.get('host');
}

export function assertSameOrigin(request: NextRequest): void {
  if (!isSameOrigin(request.headers.get('origin'), requestHost(request))) {
    throw new ApiError('forbidden', 'Origin header missing or not this site', 'Origin');
  }
}

function toResponse(result: unknown): Response {
  return result instanceof Response ? result : NextResponse.json(result);
}

/**
 * A mutation refused at the door (no session, wrong role, foreign Origin) is
 * audited too: repeated refusals are what an operator wants to see. Best
 * effort: the refusal stands whether or not the row is written.
 */
async function auditRefusedMutation(request: NextRequest, session: Session | null, error: ApiError): Promise<void> {
  await writeAudit({
    actor: session?.user ?? 'anonymous',
    actorRole: session?.role ?? 'anonymous',
    action: 'request.refused',
    target: `${request.method} ${request.nextUrl.pathname}`,
    result: 'refused',
    detail: { reason: error.message, status: error.status },
  }).catch((auditError: unknown) => console.warn('[api] refusal not audited:', (auditError as Error).message));
}

export interface ApiRouteOptions {
  /**
   * Let this mutation run on a degraded session (the control DB does not
   * answer). Only for sign-out, which must work during the outage.
   */
  allowDegraded?: boolean;
}

/**
 * A signed-in route: 401 without a session, 403 below `required`, Origin
 * checked on mutations, and mutations refused (503) on a degraded session:
 * they need the control DB for their audit row anyway.
 */
export function apiRoute<P extends RouteParams = RouteParams>(
  required: Role,
  handler: (context: ApiRequestContext<P>) => Promise<unknown>,
  options: ApiRouteOptions = {},
) {
  return async (request: NextRequest, context: RouteContext<P>): Promise<Response> => {
    const session = await sessionFromRequest(request);
    try {
      try {
        if (!session) throw (await noRoleRefusal(request.cookies)) ?? new ApiError('unauthorized', 'sign in first');
        if (!hasRole(session.role, required)) throw new ApiError('forbidden', `this needs the ${required} role`);
        if (MUTATING_METHODS.has(request.method)) assertSameOrigin(request);
      } catch (refusal) {
        if (MUTATING_METHODS.has(request.method)) await auditRefusedMutation(request, session, refusal as ApiError);
        throw refusal;
      }
      if (MUTATING_METHODS.has(request.method) && session.degraded && !options.allowDegraded) {
        throw new ApiError('unavailable', 'the control database does not answer: the console is read-only until it is back');
      }
      return toResponse(await handler({ request, session, params: await context.params }));
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** A public route (health probes, sign-in): same error mapping, Origin still checked on mutations. */
export function publicRoute(handler: (request: NextRequest) => Promise<unknown>) {
  return async (request: NextRequest): Promise<Response> => {
    try {
      if (MUTATING_METHODS.has(request.method)) assertSameOrigin(request);
      return toResponse(await handler(request));
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** Parses a JSON body; a 400 names the first bad field. */
export async function parseJsonBody<S extends z.ZodType>(request: NextRequest, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ApiError('bad_request', 'body must be JSON', 'body');
  }
  return schema.parse(body);
}

export function parseSearchParams<S extends z.ZodType>(request: NextRequest, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(request.nextUrl.searchParams));
}
