import { describe, expect, it } from 'vitest';
import { cancellable, moveIdOfObject, nextPhase, replicationObjectNames } from '@/lib/rebalance/move-model';

describe('move replication object names', () => {
  const moveId = '0b6e3f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

  it('derive from the move id, fit in an identifier, and map back to it', () => {
    const names = replicationObjectNames(moveId);
    expect(names.publication).toBe('shardscope_move_0b6e3f7a1c2d4e5f8a9b0c1d2e3f4a5b');
    expect(names.publication.length).toBeLessThanOrEqual(63);
    expect(names.publication).toMatch(/^[a-z0-9_]+$/);
    expect(moveIdOfObject(names.slot)).toBe(moveId);
    expect(replicationObjectNames(moveId.toUpperCase())).toEqual(names);
  });

  it('refuse what is not a move id, and do not claim objects that are not ours', () => {
    expect(() => replicationObjectNames("x'; drop table tenants; --")).toThrow(/not a move id/);
    expect(moveIdOfObject('shardscope_move_0b6e3f7a')).toBeNull();
    expect(moveIdOfObject('other_0b6e3f7a1c2d4e5f8a9b0c1d2e3f4a5b')).toBeNull();
  });
});

describe('move phases', () => {
  it('go forward in the protocol order for each strategy, ending in finished', () => {
    const walk = (strategy: 'logical' | 'copy') => {
      const phases = ['prepare'];
      while (phases.at(-1) !== 'finished') phases.push(nextPhase(strategy, phases.at(-1) as never));
      return phases;
    };
    expect(walk('logical')).toEqual(['prepare', 'copy', 'catch_up', 'fence', 'drain', 'verify', 'switch', 'cleanup', 'finished']);
    expect(walk('copy')).toEqual(['prepare', 'fence', 'copy', 'verify', 'switch', 'cleanup', 'finished']);
    expect(() => nextPhase('logical', 'rollback')).toThrow();
  });

  it('can be cancelled only before the switch', () => {
    expect(cancellable('logical', 'verify')).toBe(true);
    expect(cancellable('logical', 'switch')).toBe(false);
    expect(cancellable('logical', 'cleanup')).toBe(false);
    expect(cancellable('copy', 'fence')).toBe(true);
    expect(cancellable('copy', 'switch')).toBe(false);
    expect(cancellable('logical', 'rollback')).toBe(false);
  });
});
