import { describe, expect, it } from 'vitest';
import { orphanedMoves, startableMoves, type LiveMove } from '@/lib/rebalance/move-sweep';

/** Which queued moves the worker's sweep starts (at most 1 move out of and 1 into each shard, oldest first), and which running moves it resumes. */

let next = 0;
const move = (from: string, to: string, status: LiveMove['status'] = 'queued', dispatched = false): LiveMove => ({
  id: `m${++next}`,
  sourceShardId: from,
  targetShardId: to,
  status,
  dispatched,
});
const ids = (moves: LiveMove[]) => moves.map((candidate) => `${candidate.sourceShardId}>${candidate.targetShardId}`);

describe('startableMoves', () => {
  it('starts the oldest queued move per source and per target', () => {
    const live = [move('s1', 's2'), move('s1', 's3'), move('s3', 's2'), move('s2', 's1'), move('s3', 's4')];
    // s1>s2 takes s1 out and s2 in; s1>s3 waits (s1 out), s3>s2 waits (s2 in); s2>s1 and s3>s4 are free.
    expect(ids(startableMoves(live))).toEqual(['s1>s2', 's2>s1', 's3>s4']);
  });

  it('counts running moves and queued moves whose job is already sent', () => {
    const live = [move('s1', 's2', 'running'), move('s3', 's4', 'queued', true), move('s1', 's5'), move('s5', 's4'), move('s5', 's2'), move('s6', 's7')];
    expect(ids(startableMoves(live))).toEqual(['s6>s7']);
  });

  it('never starts a running or dispatched move again, and honours a higher limit', () => {
    const live = [move('s1', 's2', 'running'), move('s1', 's2', 'queued', true), move('s1', 's2'), move('s1', 's2')];
    expect(startableMoves(live)).toEqual([]);
    expect(ids(startableMoves(live, 3))).toEqual(['s1>s2']);
  });
});

describe('orphanedMoves', () => {
  it('resumes only running moves that no runner holds and no job waits for', () => {
    const running = move('s1', 's2', 'running', true);
    const orphan = move('s3', 's4', 'running', false);
    const queued = move('s5', 's6', 'queued', false);
    const sent = move('s6', 's5', 'queued', true);
    expect(orphanedMoves([running, orphan, queued, sent])).toEqual([orphan]);
  });

  it('keeps counting an orphaned move against its shards: nothing else starts on them meanwhile', () => {
    const live = [move('s1', 's2', 'running', false), move('s1', 's3'), move('s4', 's2'), move('s4', 's5')];
    expect(ids(orphanedMoves(live))).toEqual(['s1>s2']);
    expect(ids(startableMoves(live))).toEqual(['s4>s5']);
  });
});
