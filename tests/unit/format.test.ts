import { describe, expect, it } from 'vitest';
import { formatBytes, formatSeconds } from '@/lib/format';

describe('display formatting', () => {
  it('shows bytes in binary units with one decimal past 1 KiB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(16 * 1024 * 1024)).toBe('16.0 MiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('shows sub-second lag in ms, whole seconds without decimals, long waits in minutes and hours', () => {
    expect(formatSeconds(0.25)).toBe('250 ms');
    expect(formatSeconds(1)).toBe('1 s');
    expect(formatSeconds(6.95)).toBe('7.0 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3 * 3600)).toBe('3.0 h');
  });
});

describe('formatSeconds below a millisecond', () => {
  it('keeps sub-millisecond lag visible instead of "0 ms"', () => {
    expect(formatSeconds(0.0004)).toBe('400 µs');
    expect(formatSeconds(0.0025)).toBe('2.5 ms');
    expect(formatSeconds(0.25)).toBe('250 ms');
  });
});
