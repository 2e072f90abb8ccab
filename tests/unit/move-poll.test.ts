import { describe, expect, it } from 'vitest';
import { MOVE_POLL_MS, pollRunWhileOpen, pollWhileLive } from '@/lib/queries/moves/poll';

describe('move and run polling', () => {
  it('polls a move list while any move is queued or running, and before the first answer', () => {
    expect(pollWhileLive(undefined)).toBe(MOVE_POLL_MS);
    expect(pollWhileLive([{ status: 'done' }, { status: 'running' }])).toBe(MOVE_POLL_MS);
    expect(pollWhileLive([{ status: 'queued' }])).toBe(MOVE_POLL_MS);
    expect(pollWhileLive([{ status: 'done' }, { status: 'rolled_back' }, { status: 'failed' }, { status: 'cancelled' }])).toBe(false);
  });

  it('keeps polling a run whose moves have all finished until the run is closed', () => {
    const finished = [{ status: 'done' as const }, { status: 'done' as const }];
    expect(pollRunWhileOpen({ status: 'running', moves: finished })).toBe(MOVE_POLL_MS);
    expect(pollRunWhileOpen({ status: 'done', moves: finished })).toBe(false);
    expect(pollRunWhileOpen({ status: 'failed', moves: [{ status: 'done' }, { status: 'failed' }] })).toBe(false);
    expect(pollRunWhileOpen(undefined)).toBe(MOVE_POLL_MS);
  });
});
