import { describe, expect, it } from 'vitest';
import { decoyPasswordHash, hashPassword, verifyPassword } from '@/lib/auth/password-hash';

describe('password hashes', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('never matches a malformed or foreign stored hash', async () => {
    for (const stored of ['', 'none$abc', 'scrypt$0$8$1$c2FsdA$a2V5', 'scrypt$x$8$1$c2FsdA$a2V5', 'bcrypt$10$abc']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });

  it('keeps one decoy hash per process, which no password matches', async () => {
    const decoy = await decoyPasswordHash();
    expect(await decoyPasswordHash()).toBe(decoy);
    expect(await verifyPassword('', decoy)).toBe(false);
  });
});
