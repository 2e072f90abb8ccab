import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '@/lib/auth/client-address';

const withForwardedFor = (value?: string) =>
  new NextRequest('http://console.test/api/auth/login', { headers: value === undefined ? {} : { 'x-forwarded-for': value } });

describe('the client address for sign-in throttling', () => {
  it('is the last X-Forwarded-For entry: the one the nearest hop wrote', () => {
    expect(clientAddress(withForwardedFor('203.0.113.9'))).toBe('203.0.113.9');
    expect(clientAddress(withForwardedFor('6.6.6.6, 198.51.100.7'))).toBe('198.51.100.7');
  });

  it('is null without the header, and bounded in length', () => {
    expect(clientAddress(withForwardedFor())).toBeNull();
    expect(clientAddress(withForwardedFor(' , '))).toBeNull();
    expect(clientAddress(withForwardedFor('x'.repeat(500)))).toHaveLength(64);
  });
});
