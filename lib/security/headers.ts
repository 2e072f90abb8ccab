/**
 * The security headers every response carries (issue 12). Pure: the proxy
 * (proxy.ts) passes in the request's facts, next.config.js repeats the
 * nonce-less set for the static assets the proxy never sees, and a unit test
 * keeps the two equal.
 *
 * Scripts run only with this request's nonce: Next reads it from the CSP on
 * the request and puts it on its own <script> tags; 'strict-dynamic' lets
 * those load the page's chunks. Styles may be inline: the console sets style
 * attributes (React `style={}` for meter widths and chart colours, recharts'
 * SVG), which no nonce can cover, and Next's built-in pages (the default 404)
 * render <style> elements without the nonce. With scripts locked down, inline
 * CSS is the accepted remainder.
 */

export interface ContentSecurityPolicyOptions {
  /** This request's nonce; null for responses that run no script (static assets). */
  nonce: string | null;
  /** `next dev` only: React rebuilds server error stacks in the browser with eval. */
  development: boolean;
  /** Origins the browser calls besides this site (the Supabase project, for Supabase Auth). */
  connectOrigins: readonly string[];
  /** Served over https: any stray http subresource is upgraded rather than loaded in clear. */
  https: boolean;
}

/** One year, the value HSTS preload lists ask for; no includeSubDomains: sibling hosts are not ours to pin. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

export const STRICT_TRANSPORT_SECURITY = `max-age=${HSTS_MAX_AGE_SECONDS}`;

/** Request header carrying the nonce to server components that render their own <script>. */
export const NONCE_HEADER = 'x-nonce';

/** 128 random bits, base64: the form Next's nonce parser accepts (`'nonce-[A-Za-z0-9+/_-]+={0,2}'`). */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

export function buildContentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const { nonce, development, connectOrigins, https } = options;
  // Next finds the nonce in the first directive starting with "script-src": keep script-src itself first of those.
  const scriptSources = nonce ? ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"] : ["'self'"];
  if (development) scriptSources.push("'unsafe-eval'");
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', ...scriptSources],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...connectOrigins],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  if (https) directives.push(['upgrade-insecure-requests']);
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/** The headers to set on a response, given its CSP; HSTS only over https (browsers ignore it over http anyway). */
export function securityHeaders(contentSecurityPolicy: string, https: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    // For browsers without CSP frame-ancestors.
    'X-Frame-Options': 'DENY',
    ...(https ? { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } : {}),
  };
}

/**
 * Served over https: the URL says so (TLS ends here), or the reverse proxy in
 * front says so (TLS ends there). Only the first hop's value counts.
 */
export function isServedOverHttps(urlProtocol: string, forwardedProto: string | null): boolean {
  if (urlProtocol === 'https:') return true;
  return forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** With Supabase Auth the browser talks to the project itself (sign-in, sign-out, token refresh). */
export function connectOriginsFromEnv(env: { SHARDSCOPE_AUTH_PROVIDER: string; SHARDSCOPE_SUPABASE_URL?: string }): string[] {
  if (env.SHARDSCOPE_AUTH_PROVIDER !== 'supabase' || !env.SHARDSCOPE_SUPABASE_URL) return [];
  return [new URL(env.SHARDSCOPE_SUPABASE_URL).origin];
}

/**
 * The set next.config.js sends with what the proxy does not run for
 * (/_next/static, /_next/image, /favicon.ico): no script runs in them, so no
 * nonce; HSTS is added there by a rule on x-forwarded-proto.
 */
export function staticAssetHeaders(): Record<string, string> {
  return securityHeaders(buildContentSecurityPolicy({ nonce: null, development: false, connectOrigins: [], https: false }), false);
}
