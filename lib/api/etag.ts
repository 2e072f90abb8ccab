import { createHash } from 'node:crypto';

/**
 * Strong ETags for JSON bodies, and the If-None-Match check (RFC 9110 §13.1.2).
 * The tag is a hash of the exact bytes sent, so equal bodies share a tag
 * across web instances and restarts, and any change of the body changes it.
 */

/** `"<base64url sha-256 of the body, 128 bits>"`: short, and collisions are not a concern at 128 bits. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Whether If-None-Match names this tag, i.e. the client's copy is current
 * (answer 304). The comparison is weak, as the RFC requires for
 * If-None-Match: `W/"x"` matches `"x"` (a proxy that compressed the body may
 * have weakened our tag). `*` matches any current representation.
 */
export function ifNoneMatchHits(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const ours = opaque(etag);
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || opaque(tag) === ours;
  });
}

/**
 * `value` as JSON with its strong ETag, or a bodiless 304 when If-None-Match
 * already names it. `Cache-Control: private, no-cache`: clients may keep the
 * body but must revalidate before each use (a 304 is one small round trip),
 * and shared caches must not keep a response that needed credentials.
 */
export function jsonWithEtag(value: unknown, ifNoneMatch: string | null): Response {
  const body = JSON.stringify(value);
  const etag = strongEtag(body);
  const headers = { etag, 'cache-control': 'private, no-cache' };
  if (ifNoneMatchHits(ifNoneMatch, etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
}
