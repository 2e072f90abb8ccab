import type { NextRequest } from 'next/server';

/**
 * The client's address for per-address sign-in throttling: the LAST
 * X-Forwarded-For entry, the one the nearest hop wrote. `next start` fills the
 * header from the socket when the client sent none; behind one reverse proxy
 * that appends (nginx's $proxy_add_x_forwarded_for), the last entry is the
 * address that proxy saw. A client talking to `next start` directly can still
 * send its own header: the per-user-name limit holds regardless.
 */
export function clientAddress(request: NextRequest): string | null {
  const forwarded = request.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  return last ? last.slice(0, 64) : null;
}
