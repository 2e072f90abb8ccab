import { describe, expect, it } from 'vitest';
import { formatAge, samplingState } from '@/lib/history/worker-status-model';

describe('sampling state', () => {
  it('is ok within three intervals, stale past them, never without a sample', () => {
    expect(samplingState(null, 15)).toBe('never');
    expect(samplingState(4, 15)).toBe('ok');
    expect(samplingState(49, 15)).toBe('ok');
    expect(samplingState(51, 15)).toBe('stale');
  });

  it('says ages in the unit an operator reads', () => {
    expect(formatAge(4.4)).toBe('4 s');
    expect(formatAge(180)).toBe('3 min');
    expect(formatAge(7200)).toBe('2 h');
  });
});
