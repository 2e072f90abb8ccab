/**
 * Cross-site request check for mutations: the browser's Origin must name the
 * host the request was sent to. A missing Origin is refused: every browser
 * sends one on POST/PUT/PATCH/DELETE, so only non-browser callers omit it,
 * and they can set it.
 */
export function isSameOrigin(originHeader: string | null, hostHeader: string | null): boolean {
  if (!originHeader || !hostHeader) return false;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false;
  }
  return origin.host.toLowerCase() === hostHeader.toLowerCase();
}
