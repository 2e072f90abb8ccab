import { describe, expect, it } from 'vitest';
import { rangeEnd } from '@/lib/history/history-query';

const now = new Date('2026-03-10T12:00:00Z');

describe('where a history range ends', () => {
  it('ends now without `to`, and at `to` when it is in the past', () => {
    expect(rangeEnd(undefined, now, 90)).toBe(now);
    expect(rangeEnd('2026-03-09T10:30:00Z', now, 90).toISOString()).toBe('2026-03-09T10:30:00.000Z');
    expect(rangeEnd('2026-03-09T12:30:00+02:00', now, 90).toISOString()).toBe('2026-03-09T10:30:00.000Z');
  });

  it('reads a `to` up to a minute ahead as now (a client clock running fast)', () => {
    expect(rangeEnd('2026-03-10T12:00:45Z', now, 90)).toBe(now);
  });

  it('refuses a `to` further in the future or past the kept history, naming the field', () => {
    expect(() => rangeEnd('2026-03-10T12:05:00Z', now, 90)).toThrow(expect.objectContaining({ status: 400, field: 'to' }));
    expect(() => rangeEnd('2025-12-01T00:00:00Z', now, 90)).toThrow(expect.objectContaining({ status: 400, field: 'to', message: expect.stringMatching(/90 days/) }));
    expect(() => rangeEnd('yesterday', now, 90)).toThrow(expect.objectContaining({ status: 400, field: 'to' }));
  });
});
