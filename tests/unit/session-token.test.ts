import { describe, expect, it } from 'vitest';
import { hasRole } from '@/lib/auth/roles';
import { isSameOrigin } from '@/lib/auth/origin';
import { createSessionToken, verifySessionToken, type SessionClaims } from '@/lib/auth/session-token';

const secret = 'unit-test-secret-unit-test-secret-42';
const session: SessionClaims = { sid: 'unit-test-session-id-0123456789', user: 'admin', role: 'admin', issuedAt: 1000, expiresAt: 2000 };

describe('session tokens', () => {
  it('round-trips a signed session', () => {
    expect(verifySessionToken(createSessionToken(session, secret), secret, 1500)).toEqual(session);
  });

  it('rejects a token whose payload was edited to claim another role', () => {
    const [, signature] = createSessionToken({ ...session, role: 'viewer' }, secret).split('.');
    const forgedPayload = Buffer.from(JSON.stringify(session)).toString('base64url');
    expect(verifySessionToken(`${forgedPayload}.${signature}`, secret, 1500)).toBeNull();
  });

  it('rejects a token signed with another secret', () => {
    expect(verifySessionToken(createSessionToken(session, secret), `${secret}x`, 1500)).toBeNull();
  });

  it('rejects an expired token', () => {
    expect(verifySessionToken(createSessionToken(session, secret), secret, 2000)).toBeNull();
  });

  it('rejects garbage', () => {
    expect(verifySessionToken('a.b.c', secret)).toBeNull();
    expect(verifySessionToken(undefined, secret)).toBeNull();
  });
});

describe('roles', () => {
  it('ranks viewer below operator below admin', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
  });
});

describe('Origin check', () => {
  it('accepts a request from the same host and port', () => {
    expect(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
  });
  it('refuses another site, another port, a missing or malformed Origin', () => {
    expect(isSameOrigin('https://evil.example', '127.0.0.1:3000')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:3001', '127.0.0.1:3000')).toBe(false);
    expect(isSameOrigin(null, '127.0.0.1:3000')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:3000')).toBe(false);
  });
});
