/**
 * The security headers for what proxy.ts does not run for (its matcher skips
 * /_next/static, /_next/image, /favicon.ico): the nonce-less set of
 * lib/security/headers.ts `staticAssetHeaders()`, which a unit test keeps
 * equal to these (this file is loaded by plain Node: it cannot import the TS).
 */
const STATIC_ASSET_HEADERS = [
  {
    key: 'Content-Security-Policy',
    value:
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

const STATIC_ASSET_SOURCES = ['/_next/static/:path*', '/_next/image', '/favicon.ico'];

/** HSTS only when a TLS-terminating proxy in front says the request came over https. */
const SERVED_OVER_HTTPS = [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Tests and the demo run the build side by side with their own dist dirs.
  distDir: process.env.SHARDSCOPE_DIST_DIR || '.next',
  async headers() {
    return STATIC_ASSET_SOURCES.flatMap((source) => [
      { source, headers: STATIC_ASSET_HEADERS },
      { source, has: SERVED_OVER_HTTPS, headers: [{ key: 'Strict-Transport-Security', value: 'max-age=31536000' }] },
    ]);
  },
};

export default nextConfig;
