import { describe, expect, it } from 'vitest';
import {
  counterIncrease,
  emptyMoments,
  figuresOf,
  keyIncreases,
  OUTLIER_MIN_CALLS,
  outlierShardIds,
  pooledStddevMs,
  sumOfSquaresMs2,
  type StatementMoments,
} from '@/lib/statements/statements-math';
import { isConsoleOwnStatement, topStatements, type StatementParts } from '@/lib/statements/top-statements';

/** Moments of a list of execution times, as pg_stat_statements would report them (population stddev). */
function momentsOfTimes(times: number[], extra: Partial<StatementMoments> = {}): StatementMoments {
  const total = times.reduce((sum, time) => sum + time, 0);
  const mean = times.length ? total / times.length : 0;
  const stddev = times.length ? Math.sqrt(times.reduce((sum, time) => sum + (time - mean) ** 2, 0) / times.length) : 0;
  return { ...emptyMoments(), calls: times.length, totalTimeMs: total, sumSquaresMs2: sumOfSquaresMs2(times.length, total, stddev), ...extra };
}

function populationStddev(times: number[]): number {
  const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
  return Math.sqrt(times.reduce((sum, time) => sum + (time - mean) ** 2, 0) / times.length);
}

describe('counter increases between snapshots', () => {
  it('is the later reading less the earlier one', () => {
    const increase = counterIncrease(momentsOfTimes([1, 2], { rows: 10 }), momentsOfTimes([1, 2, 7, 9], { rows: 25 }), false);
    expect(increase.calls).toBe(2);
    expect(increase.totalTimeMs).toBe(16);
    expect(increase.rows).toBe(15);
  });

  it('starts a new baseline when the counter went backwards (reset or eviction): the later reading itself, never negative', () => {
    const increase = counterIncrease(momentsOfTimes([5, 5, 5, 5]), momentsOfTimes([3]), false);
    expect(increase.calls).toBe(1);
    expect(increase.totalTimeMs).toBe(3);
  });

  it('starts a new baseline after a stats reset of the node, even when the counter grew past its old value', () => {
    const increase = counterIncrease(momentsOfTimes([1]), momentsOfTimes([2, 2, 2]), true);
    expect(increase.calls).toBe(3);
    expect(increase.totalTimeMs).toBe(6);
  });

  it('counts all of a statement that did not exist at the baseline, and nothing of one that may have existed unrecorded', () => {
    const later = momentsOfTimes([4, 4]);
    expect(counterIncrease('absent', later, false).calls).toBe(2);
    expect(counterIncrease('unknown', later, false)).toEqual(emptyMoments());
    expect(counterIncrease('unknown', later, true).calls).toBe(2);
  });

  it('clamps a counter that went down while calls went up', () => {
    const increase = counterIncrease({ ...momentsOfTimes([1]), walBytes: 500 }, { ...momentsOfTimes([1, 1]), walBytes: 400 }, false);
    expect(increase.walBytes).toBe(0);
    expect(Object.values(increase).every((value) => value >= 0)).toBe(true);
  });
});

describe('pooled standard deviation', () => {
  it('is the stddev of all executions of several nodes together', () => {
    const a = [1, 2, 3];
    const b = [10, 10, 12];
    const merged = momentsOfTimes(a);
    const other = momentsOfTimes(b);
    for (const field of Object.keys(merged) as (keyof StatementMoments)[]) merged[field] += other[field];
    expect(pooledStddevMs(merged)).toBeCloseTo(populationStddev([...a, ...b]), 9);
  });

  it('is the stddev of the executions inside a window, from two cumulative readings', () => {
    const increase = counterIncrease(momentsOfTimes([1, 2, 3]), momentsOfTimes([1, 2, 3, 7, 9]), false);
    expect(pooledStddevMs(increase)).toBeCloseTo(1, 9);
  });

  it('is null below two calls', () => {
    expect(pooledStddevMs(momentsOfTimes([5]))).toBeNull();
    expect(figuresOf(emptyMoments())).toMatchObject({ meanTimeMs: null, stddevTimeMs: null, rowsPerCall: null, hitPct: null });
  });

  it('derives mean, rows per call and hit % from the moments', () => {
    const figures = figuresOf({ ...momentsOfTimes([2, 4]), rows: 6, sharedBlksHit: 90, sharedBlksRead: 10 });
    expect(figures).toMatchObject({ calls: 2, meanTimeMs: 3, stddevTimeMs: 1, rowsPerCall: 3, hitPct: 90 });
  });
});

describe('the outlier shard of a statement', () => {
  const shard = (shardId: string, meanMs: number, calls = OUTLIER_MIN_CALLS) => ({ shardId, calls, totalTimeMs: meanMs * calls });

  it('flags a shard whose mean is ≥ 3× the median of the others', () => {
    expect(outlierShardIds([shard('a', 1), shard('b', 1.2), shard('c', 0.9), shard('d', 4)])).toEqual(['d']);
    expect(outlierShardIds([shard('a', 1), shard('b', 2.9)])).toEqual([]);
  });

  it('compares only shards with enough calls, and needs two of them', () => {
    expect(outlierShardIds([shard('a', 1), shard('b', 50, OUTLIER_MIN_CALLS - 1)])).toEqual([]);
    expect(outlierShardIds([shard('a', 1)])).toEqual([]);
  });

  it('ignores a tiny absolute difference (jitter on a fast statement)', () => {
    expect(outlierShardIds([shard('a', 0.01), shard('b', 0.05)])).toEqual([]);
  });
});

describe('the merged list', () => {
  const part = (shardId: string, nodeId: string, username: string, times: number[], role: 'primary' | 'replica' = 'primary') => ({
    shardId,
    nodeId,
    role,
    username,
    moments: momentsOfTimes(times),
  });
  const statements: StatementParts[] = [
    {
      statementHash: 'a'.repeat(32),
      query: 'select * from orders where id = $1',
      parts: [
        part('shard-1', 'shard-1-primary', 'app', Array(30).fill(1)),
        part('shard-1', 'shard-1-replica-1', 'app', Array(10).fill(1), 'replica'),
        part('shard-2', 'shard-2-primary', 'app', Array(30).fill(5)),
        part('shard-2', 'shard-2-primary', 'reporting', [5]),
      ],
    },
    { statementHash: 'b'.repeat(32), query: 'update stock set n = n - $1 where sku like $2', parts: [part('shard-1', 'shard-1-primary', 'app', [100])] },
    { statementHash: 'c'.repeat(32), query: 'select 100% off', parts: [part('shard-2', 'shard-2-primary', 'app', [0.5, 0.5])] },
  ];
  const everyNode = new Set(['shard-1-primary', 'shard-1-replica-1', 'shard-2-primary']);

  it('has one row per statement with calls summed over shards, and each shard its share and nodes', () => {
    const { rows, matched } = topStatements(statements, { nodeIds: everyNode, sort: 'calls', limit: 10, allTimeMs: 1000 });
    expect(matched).toBe(3);
    const [orders] = rows;
    expect(orders.statementHash).toBe('a'.repeat(32));
    expect(orders.calls).toBe(71);
    expect(orders.users).toEqual(['app', 'reporting']);
    expect(orders.shards.map((shard) => [shard.shardId, shard.calls])).toEqual([
      ['shard-2', 31],
      ['shard-1', 40],
    ]);
    expect(orders.shards[0].shareOfTime).toBeCloseTo(155 / 195, 9);
    expect(orders.shards[1].nodes.map((node) => node.nodeId)).toEqual(['shard-1-primary', 'shard-1-replica-1']);
    expect(orders.shareOfAllTime).toBeCloseTo(195 / 1000, 9);
    expect(orders.outlierShardIds).toEqual(['shard-2']);
    expect(orders.shards[0].outlier).toBe(true);
  });

  it('sorts by the chosen key and cuts at the limit', () => {
    const byTime = topStatements(statements, { nodeIds: everyNode, sort: 'total_time', limit: 2, allTimeMs: 1000 });
    expect(byTime.rows.map((row) => row.statementHash)).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    const byMean = topStatements(statements, { nodeIds: everyNode, sort: 'mean_time', limit: 1, allTimeMs: 1000 });
    expect(byMean.rows.map((row) => row.statementHash)).toEqual(['b'.repeat(32)]);
    expect(byMean.matched).toBe(3);
  });

  it('filters by node, user and text (case-insensitive, % taken literally)', () => {
    const shardOne = topStatements(statements, { nodeIds: new Set(['shard-1-primary']), sort: 'calls', limit: 10, allTimeMs: 1000 });
    expect(shardOne.rows.map((row) => [row.statementHash, row.calls])).toEqual([
      ['a'.repeat(32), 30],
      ['b'.repeat(32), 1],
    ]);
    const reporting = topStatements(statements, { nodeIds: everyNode, user: 'reporting', sort: 'calls', limit: 10, allTimeMs: 1000 });
    expect(reporting.rows.map((row) => [row.statementHash, row.calls])).toEqual([['a'.repeat(32), 1]]);
    const percent = topStatements(statements, { nodeIds: everyNode, q: '100%', sort: 'calls', limit: 10, allTimeMs: 1000 });
    expect(percent.rows.map((row) => row.statementHash)).toEqual(['c'.repeat(32)]);
    const upper = topStatements(statements, { nodeIds: everyNode, q: 'UPDATE STOCK', sort: 'calls', limit: 10, allTimeMs: 1000 });
    expect(upper.rows.map((row) => row.statementHash)).toEqual(['b'.repeat(32)]);
  });
});

describe('one key over a range, reading by reading', () => {
  const span = { fromAt: 0, baselineComplete: true, staleBefore: null, statsResets: [] as number[] };

  it('gives each reading the increase since the previous one, and they add up to the window', () => {
    const increases = keyIncreases({ at: 0, moments: momentsOfTimes([1]) }, span, [
      { at: 200, moments: momentsOfTimes([1, 2, 2]) },
      { at: 100, moments: momentsOfTimes([1, 2]) },
    ]);
    expect(increases.map(({ at, increase }) => [at, increase.calls, increase.totalTimeMs])).toEqual([
      [100, 1, 2],
      [200, 1, 2],
    ]);
  });

  it('keeps what ran before a stats reset inside the window, and never goes negative', () => {
    const increases = keyIncreases({ at: 0, moments: momentsOfTimes([1]) }, { ...span, statsResets: [150] }, [
      { at: 100, moments: momentsOfTimes([1, 1, 1, 1]) },
      { at: 200, moments: momentsOfTimes([1, 1]) },
    ]);
    expect(increases.map(({ increase }) => increase.calls)).toEqual([3, 2]);
  });

  it('treats a baseline from before a reset as gone, and an unknown one as contributing nothing', () => {
    const stale = keyIncreases({ at: 0, moments: momentsOfTimes([9, 9]) }, { ...span, staleBefore: 10 }, [{ at: 100, moments: momentsOfTimes([1, 1, 1]) }]);
    expect(stale[0].increase.calls).toBe(3);
    const unknown = keyIncreases(null, { ...span, baselineComplete: false }, [
      { at: 100, moments: momentsOfTimes([1, 1, 1]) },
      { at: 200, moments: momentsOfTimes([1, 1, 1, 1]) },
    ]);
    expect(unknown.map(({ increase }) => increase.calls)).toEqual([0, 1]);
  });
});

describe('the console\'s own statements', () => {
  it('are its EXPLAINs and its shardscope-marked statements, not the workload', () => {
    expect(isConsoleOwnStatement('EXPLAIN (FORMAT JSON) select * from orders where tenant_id = $1')).toBe(true);
    expect(isConsoleOwnStatement('/* note */ explain select 1')).toBe(true);
    expect(isConsoleOwnStatement('/* shardscope:sampler */ select count(*) from pg_stat_activity')).toBe(true);
    expect(isConsoleOwnStatement('select * from events where kind = $1')).toBe(false);
    expect(isConsoleOwnStatement("select 'explain' as word")).toBe(false);
  });
});
