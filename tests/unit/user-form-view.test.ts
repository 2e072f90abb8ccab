import { describe, expect, it } from 'vitest';
import { asUserField, formatWhen, generatePassword, isDemotion, nameProblem, passwordProblem } from '@/components/users/user-form-view';

describe('the Users page form', () => {
  it('generates 24-character base64url passwords that pass the server\u2019s password rule', () => {
    const passwords = Array.from({ length: 50 }, () => generatePassword());
    for (const password of passwords) {
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(passwordProblem(password)).toBeUndefined();
    }
    expect(new Set(passwords).size).toBe(passwords.length);
    expect(generatePassword((bytes) => bytes.fill(0xff))).toBe('_'.repeat(24));
  });

  it('checks names and passwords as the server does, naming what is wrong', () => {
    expect(nameProblem('Ada.Ops')).toBeUndefined();
    expect(nameProblem('two words')).toMatch(/a-z 0-9/);
    expect(nameProblem('')).toMatch(/a-z 0-9/);
    expect(passwordProblem('short')).toBe('must be at least 12 characters');
  });

  it('counts only a move to fewer rights as a demotion', () => {
    expect(isDemotion('admin', 'operator')).toBe(true);
    expect(isDemotion('operator', 'viewer')).toBe(true);
    expect(isDemotion('viewer', 'admin')).toBe(false);
    expect(isDemotion('admin', 'admin')).toBe(false);
  });

  it('maps only the form\u2019s own fields from a server error', () => {
    expect(asUserField('password')).toBe('password');
    expect(asUserField('Origin')).toBeNull();
    expect(asUserField(undefined)).toBeNull();
  });

  it('says when, relative to the answer', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(formatWhen(null, now)).toBe('never');
    expect(formatWhen('2026-12-01T11:57:00Z', now)).toBe('3 min ago');
  });
});
