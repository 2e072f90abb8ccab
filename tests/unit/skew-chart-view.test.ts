import { describe, expect, it } from 'vitest';
import {
  chartableDimensions,
  formatDimensionValue,
  formatRatioToMean,
  formatSkew,
  skewState,
  toSkewChart,
} from '@/components/balance/skew-chart-view';
import type { BalanceReport, ShardStatus } from '@/lib/rebalance/rebalance-model';

type BalanceShard = BalanceReport['shards'][number];

function shard(shardId: string, bytes: number, load: number, overrides: Partial<BalanceShard> = {}): BalanceShard {
  return {
    shardId,
    name: shardId,
    status: 'active' as ShardStatus,
    stale: false,
    tenants: 1,
    bytes,
    load,
    loadShare: null,
    commitsPerSecond: null,
    statementSecondsPerSecond: null,
    connectionsUsed: null,
    connectionsMax: null,
    weight: bytes,
    ratioToMean: null,
    heaviestByBytes: [],
    heaviestByLoad: [],
    ...overrides,
  };
}

const GiB = 1024 ** 3;

describe('skew chart per dimension', () => {
  it('puts the crowded shard of a 70/30 fleet above the band and the other below it', () => {
    const chart = toSkewChart({ dimension: 'bytes', thresholdPct: 10, shards: [shard('shard-1', 7 * GiB, 70), shard('shard-2', 3 * GiB, 30)] }, 'bytes');
    expect(chart.mean).toBe(5 * GiB);
    expect(chart.bandLow).toBeCloseTo(4.5 * GiB);
    expect(chart.bandHigh).toBeCloseTo(5.5 * GiB);
    expect(chart.bars.map((bar) => [bar.shardId, bar.state])).toEqual([
      ['shard-1', 'over'],
      ['shard-2', 'under'],
    ]);
    expect(chart.bars[0].ratio).toBeCloseTo(1.4);
    expect(chart.outside).toBe(2);
  });

  it('takes the mean over active shards only and leaves a retired shard out of the judgement', () => {
    const chart = toSkewChart(
      {
        dimension: 'load',
        thresholdPct: 10,
        shards: [shard('shard-1', 0, 100), shard('shard-2', 0, 100), shard('shard-3', 0, 40, { status: 'draining' }), shard('shard-4', 0, 0, { status: 'retired' })],
      },
      'load',
    );
    expect(chart.mean).toBe(100);
    expect(chart.bars.map((bar) => bar.state)).toEqual(['within', 'within', 'draining', 'ignored']);
    expect(chart.bars[2].ratio).toBeCloseTo(0.4);
    expect(chart.bars[3].ratio).toBeNull();
    // The draining shard is below the band but is not judged by it: it is meant to empty.
    expect(chart.outside).toBe(0);
  });

  it('has no ratio when nothing is measured yet', () => {
    const chart = toSkewChart({ dimension: 'bytes', thresholdPct: 10, shards: [shard('shard-1', 0, 0), shard('shard-2', 0, 0)] }, 'bytes');
    expect(chart.mean).toBe(0);
    expect(chart.bars.every((bar) => bar.ratio === null && bar.state === 'within')).toBe(true);
  });

  it('charts the mixed score only from a report judged by it, with the asked dimension first', () => {
    expect(chartableDimensions({ dimension: 'mixed' })).toEqual(['mixed', 'bytes', 'load']);
    expect(chartableDimensions({ dimension: 'load' })).toEqual(['load', 'bytes']);
    const mixed = toSkewChart({ dimension: 'mixed', thresholdPct: 10, shards: [shard('a', 1, 1, { weight: 0.6 }), shard('b', 1, 1, { weight: 0.4 })] }, 'mixed');
    expect(mixed.bars.map((bar) => bar.value)).toEqual([0.6, 0.4]);
  });

  it('keeps a shard exactly on the band edge within it', () => {
    expect(skewState(1.1, 10)).toBe('within');
    expect(skewState(1.1 + 1e-12, 10)).toBe('within');
    expect(skewState(1.11, 10)).toBe('over');
    expect(skewState(0.89, 10)).toBe('under');
    expect(skewState(null, 10)).toBe('within');
  });

  it('formats values in the dimension unit, skew as a factor and ratios as a signed difference', () => {
    expect(formatDimensionValue('bytes', 1.5 * GiB)).toBe('1.5 GiB');
    expect(formatDimensionValue('load', 90)).toBe('90 s');
    expect(formatDimensionValue('load', 0)).toBe('0 s');
    expect(formatDimensionValue('mixed', 0.35)).toBe('35 %');
    expect(formatDimensionValue('bytes', null)).toBe('—');
    expect(formatSkew(1.4)).toBe('1.40×');
    expect(formatSkew(null)).toBe('—');
    expect(formatRatioToMean(1.38)).toBe('+38 %');
    expect(formatRatioToMean(0.62)).toBe('−38 %');
    expect(formatRatioToMean(1.001)).toBe('at the mean');
    expect(formatRatioToMean(null)).toBe('—');
  });
});
