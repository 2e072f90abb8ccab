import { describe, expect, it } from 'vitest';
import { lsnBytesBehind, parseLsn } from '@/lib/fleet/lsn';

describe('LSN arithmetic', () => {
  it('reads the high and low 32-bit halves', () => {
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  });
  it('rejects text that is not an LSN', () => {
    expect(() => parseLsn('16-B374D848')).toThrow(/not an LSN/);
  });
  it('measures bytes between two positions', () => {
    expect(lsnBytesBehind('0/3000100', '0/3000000')).toBe(256);
  });
});
