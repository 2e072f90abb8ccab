import path from 'node:path';
import type { NextConfig } from 'next';
import { getScriptNonceFromHeader } from 'next/dist/server/app-render/get-script-nonce-from-header';
import { describe, expect, it } from 'vitest';
import {
  STRICT_TRANSPORT_SECURITY,
  buildContentSecurityPolicy,
  connectOriginsFromEnv,
  createNonce,
  isServedOverHttps,
  securityHeaders,
  staticAssetHeaders,
  type ContentSecurityPolicyOptions,
} from '@/lib/security/headers';

/** next.config.js is plain JS that TS does not read (allowJs is off): loaded by path, typed by hand. */
async function loadNextConfig(): Promise<NextConfig> {
  const loaded = (await import(path.resolve(import.meta.dirname, '../../next.config.js'))) as { default: NextConfig };
  return loaded.default;
}

const production: ContentSecurityPolicyOptions = { nonce: 'bm9uY2Utb2YtdGhpcy1yZXE=', development: false, connectOrigins: [], https: false };

/** directive name → its sources, as a browser splits the header. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('content security policy', () => {
  it('lets scripts run only with the request nonce, never inline or eval in production', () => {
    const scriptSources = directives(buildContentSecurityPolicy(production)).get('script-src');
    expect(scriptSources).toEqual(["'self'", "'nonce-bm9uY2Utb2YtdGhpcy1yZXE='", "'strict-dynamic'"]);
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(scriptSources).not.toContain("'unsafe-eval'");
  });

  it('puts the nonce where Next looks for it, so Next tags its own scripts', () => {
    expect(getScriptNonceFromHeader(buildContentSecurityPolicy(production))).toBe(production.nonce);
    expect(getScriptNonceFromHeader(buildContentSecurityPolicy({ ...production, development: true }))).toBe(production.nonce);
  });

  it('refuses framing, plugins, foreign base URLs and foreign form targets', () => {
    const policy = directives(buildContentSecurityPolicy(production));
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('form-action')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('allows inline styles (style attributes, Next\'s own <style>) but styles from this site only', () => {
    expect(directives(buildContentSecurityPolicy(production)).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("adds 'unsafe-eval' for next dev only", () => {
    expect(directives(buildContentSecurityPolicy({ ...production, development: true })).get('script-src')).toContain("'unsafe-eval'");
  });

  it('lets the browser reach the Supabase project when it signs in there', () => {
    const policy = directives(buildContentSecurityPolicy({ ...production, connectOrigins: ['https://abcd.supabase.co'] }));
    expect(policy.get('connect-src')).toEqual(["'self'", 'https://abcd.supabase.co']);
  });

  it('upgrades insecure requests only when served over https', () => {
    expect(directives(buildContentSecurityPolicy(production)).has('upgrade-insecure-requests')).toBe(false);
    expect(directives(buildContentSecurityPolicy({ ...production, https: true })).has('upgrade-insecure-requests')).toBe(true);
  });

  it('runs no script at all where there is no nonce', () => {
    expect(directives(buildContentSecurityPolicy({ ...production, nonce: null })).get('script-src')).toEqual(["'self'"]);
  });
});

describe('nonce', () => {
  it('is fresh for every request and in the form Next accepts', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(getScriptNonceFromHeader(buildContentSecurityPolicy({ ...production, nonce }))).toBe(nonce);
    }
  });
});

describe('security headers', () => {
  it('sends nosniff, same-origin referrers and DENY framing with the policy', () => {
    expect(securityHeaders('default-src ..', false)).toEqual({
      'Content-Security-Policy': 'default-src ..',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
  });

  it('sends HSTS over https only', () => {
    expect(securityHeaders('x', true)['Strict-Transport-Security']).toBe(STRICT_TRANSPORT_SECURITY);
    expect(securityHeaders('x', false)).not.toHaveProperty('Strict-Transport-Security');
  });

  it.each([
    ['http:', null, false],
    ['https:', null, true],
    ['http:', 'https', true],
    ['http:', 'HTTPS, http', true],
    ['http:', 'http, https', false],
    ['http:', '', false],
  ])('over %s with x-forwarded-proto %j counts as https: %s', (protocol, forwardedProto, expected) => {
    expect(isServedOverHttps(protocol, forwardedProto)).toBe(expected);
  });
});

describe('connect origins from env', () => {
  it('names the Supabase project origin with the Supabase provider', () => {
    expect(connectOriginsFromEnv({ SHARDSCOPE_AUTH_PROVIDER: 'supabase', SHARDSCOPE_SUPABASE_URL: 'https://abcd.supabase.co/' })).toEqual([
      'https://abcd.supabase.co',
    ]);
  });

  it('names nothing with the local provider or without a URL', () => {
    expect(connectOriginsFromEnv({ SHARDSCOPE_AUTH_PROVIDER: 'local', SHARDSCOPE_SUPABASE_URL: 'https://abcd.supabase.co' })).toEqual([]);
    expect(connectOriginsFromEnv({ SHARDSCOPE_AUTH_PROVIDER: 'supabase' })).toEqual([]);
  });
});

describe('static asset headers (next.config.js)', () => {
  it('are the nonce-less set, with HSTS when a proxy says https', async () => {
    const rules = (await (await loadNextConfig()).headers?.()) ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const sent = Object.fromEntries(rule.headers.map(({ key, value }) => [key, value]));
      if (rule.has) {
        expect(rule.has).toEqual([{ type: 'header', key: 'x-forwarded-proto', value: 'https' }]);
        expect(sent).toEqual({ 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY });
      } else {
        expect(sent).toEqual(staticAssetHeaders());
      }
    }
    expect(rules.map((rule) => rule.source)).toContain('/_next/static/:path*');
  });
});
