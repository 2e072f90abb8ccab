import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from '@/lib/auth/bearer-token';
import { isBearerTokenPath, isPublicPath } from '@/lib/auth/guard';
import { parseEnv } from '@/lib/env';

const TENANT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('which paths the proxy lets through to check their own bearer token', () => {
  it('lets the tenant route API through without a session cookie', () => {
    expect(isBearerTokenPath(`/api/tenants/${TENANT}/route`)).toBe(true);
    expect(isPublicPath(`/api/tenants/${TENANT}/route`)).toBe(true);
    // A bad id still reaches the route, which answers 400 after checking the caller.
    expect(isPublicPath('/api/tenants/not-a-uuid/route')).toBe(true);
  });

  it('keeps every other tenants path behind a session', () => {
    for (const path of [
      '/api/tenants',
      `/api/tenants/${TENANT}`,
      `/api/tenants/${TENANT}/usage`,
      `/api/tenants/${TENANT}/route/extra`,
      `/api/tenants/${TENANT}/route/`,
      `/api/tenants/${TENANT}/routes`,
      `/api/tenants/${TENANT}/x/route`,
      '/api/tenants//route',
      `/api/tenantsx/${TENANT}/route`,
      `/tenants/${TENANT}/route`,
    ]) {
      expect(isPublicPath(path), path).toBe(false);
    }
  });

  it('still treats the metrics route and the public pages as before', () => {
    expect(isPublicPath('/api/metrics')).toBe(true);
    expect(isPublicPath('/health')).toBe(true);
    expect(isPublicPath('/api/shards')).toBe(false);
  });
});

describe('bearer token check', () => {
  const token = 'app-token-0123456789abcdef';

  it('accepts exactly the configured token, case-insensitive scheme', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses a wrong, missing or malformed token, and any token when none is configured', () => {
    expect(bearerTokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerTokenMatches(null, token)).toBe(false);
    expect(bearerTokenMatches(token, token)).toBe(false);
    expect(bearerTokenMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${token}`, undefined)).toBe(false);
  });
});

describe('SHARDSCOPE_APP_TOKEN', () => {
  const valid = { SHARDSCOPE_SESSION_SECRET: 'x'.repeat(32), SHARDSCOPE_ADMIN_PASSWORD: 'admin-password' };

  it('is optional, and named when shorter than 16 characters', () => {
    expect(parseEnv(valid).SHARDSCOPE_APP_TOKEN).toBeUndefined();
    expect(parseEnv({ ...valid, SHARDSCOPE_APP_TOKEN: 'a'.repeat(16) }).SHARDSCOPE_APP_TOKEN).toBe('a'.repeat(16));
    expect(() => parseEnv({ ...valid, SHARDSCOPE_APP_TOKEN: 'short' })).toThrow(/SHARDSCOPE_APP_TOKEN: must be at least 16 characters/);
  });
});
