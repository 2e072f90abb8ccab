import { formatBytes, formatNumber, formatPercent, formatSeconds } from '@/lib/format';
import type { BalanceReport, Dimension, ShardStatus } from '@/lib/rebalance/rebalance-model';

/**
 * Each shard against the mean, per dimension: the numbers behind the skew
 * charts and the shard table's ratio column. Pure; unit-tested.
 *
 * The mean is over the active shards (a draining shard is on its way to
 * empty and a retired one holds nothing the planner counts), as in the
 * planner's `ratioToMean`. The band is mean ± threshold %; a shard above it is
 * "over", below it "under".
 */

type BalanceShard = BalanceReport['shards'][number];

export const DIMENSION_LABELS: Record<Dimension, string> = { bytes: 'Bytes', load: 'Load', mixed: 'Mixed' };

export const DIMENSION_DESCRIPTIONS: Record<Dimension, string> = {
  bytes: 'measured tenant storage',
  load: 'tenant active time over the window',
  mixed: 'bytes and load, each as a share of the fleet',
};

/** Where a shard stands against the band; a draining shard is not judged (it only gives), a retired one not counted. */
export type SkewState = 'over' | 'within' | 'under' | 'draining' | 'ignored';

export interface SkewBar {
  shardId: string;
  label: string;
  status: ShardStatus;
  stale: boolean;
  value: number;
  /** value / mean; null when the shard is retired or the mean is zero (nothing to balance). */
  ratio: number | null;
  state: SkewState;
}

export interface SkewChartModel {
  dimension: Dimension;
  thresholdPct: number;
  /** Mean of the active shards; null when no shard is active. */
  mean: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  bars: SkewBar[];
  /** How many active shards sit outside the band. */
  outside: number;
}

/** A value of `dimension` in its unit: bytes binary, load as active time, the mixed score as a share of the fleet. */
export function formatDimensionValue(dimension: Dimension, value: number | null): string {
  if (value === null) return '—';
  switch (dimension) {
    case 'bytes':
      return formatBytes(value);
    case 'load':
      return value === 0 ? '0 s' : formatSeconds(value);
    case 'mixed':
      return formatPercent(value * 100);
  }
}

/** max / mean: "1.40×" reads as "the heaviest shard holds 40 % more than the mean". */
export function formatSkew(skew: number | null): string {
  return skew === null ? '—' : `${skew.toFixed(2)}×`;
}

/** A ratio to the mean as a signed difference: 1.38 → "+38 %", 0.62 → "−38 %". */
export function formatRatioToMean(ratio: number | null): string {
  if (ratio === null) return '—';
  const percent = Math.round((ratio - 1) * 100);
  if (percent === 0) return 'at the mean';
  return `${percent > 0 ? '+' : '−'}${Math.abs(percent)} %`;
}

export function skewState(ratio: number | null, thresholdPct: number): Exclude<SkewState, 'draining' | 'ignored'> {
  if (ratio === null) return 'within';
  // A hair of float noise must not flip a shard sitting exactly on the band's edge.
  const margin = thresholdPct / 100 + 1e-9;
  if (ratio > 1 + margin) return 'over';
  if (ratio < 1 - margin) return 'under';
  return 'within';
}

export function shardSkewState(status: ShardStatus, ratio: number | null, thresholdPct: number): SkewState {
  if (status === 'retired') return 'ignored';
  if (status === 'draining') return 'draining';
  return skewState(ratio, thresholdPct);
}

/** Whether the dimension can be charted from this report: bytes and load always; the mixed score only when the report is of it. */
export function chartableDimensions(report: Pick<BalanceReport, 'dimension'>): Dimension[] {
  const all: Dimension[] = report.dimension === 'mixed' ? ['mixed', 'bytes', 'load'] : ['bytes', 'load'];
  // The dimension the operator asked for comes first.
  return [report.dimension, ...all.filter((dimension) => dimension !== report.dimension)];
}

export function shardValue(shard: BalanceShard, dimension: Dimension, reportDimension: Dimension): number | null {
  if (dimension === 'bytes') return shard.bytes;
  if (dimension === 'load') return shard.load;
  return reportDimension === 'mixed' ? shard.weight : null;
}

export function toSkewChart(report: Pick<BalanceReport, 'dimension' | 'thresholdPct' | 'shards'>, dimension: Dimension): SkewChartModel {
  const values = report.shards.map((shard) => shardValue(shard, dimension, report.dimension) ?? 0);
  const activeValues = report.shards.flatMap((shard, index) => (shard.status === 'active' ? [values[index]] : []));
  const mean = activeValues.length > 0 ? activeValues.reduce((sum, value) => sum + value, 0) / activeValues.length : null;
  const t = report.thresholdPct / 100;
  const bars = report.shards.map((shard, index): SkewBar => {
    const value = values[index];
    const ratio = shard.status === 'retired' || mean === null || mean <= 0 ? null : value / mean;
    return {
      shardId: shard.shardId,
      label: shard.name || shard.shardId,
      status: shard.status,
      stale: shard.stale,
      value,
      ratio,
      state: shardSkewState(shard.status, ratio, report.thresholdPct),
    };
  });
  return {
    dimension,
    thresholdPct: report.thresholdPct,
    mean,
    bandLow: mean === null ? null : mean * Math.max(0, 1 - t),
    bandHigh: mean === null ? null : mean * (1 + t),
    bars,
    outside: bars.filter((bar) => bar.status === 'active' && (bar.state === 'over' || bar.state === 'under')).length,
  };
}

/** Y axis ticks in the dimension's unit, compact. */
export function dimensionTick(dimension: Dimension): (value: number) => string {
  if (dimension === 'load') return (value) => (value === 0 ? '0' : formatSeconds(value));
  if (dimension === 'mixed') return (value) => `${formatNumber(value * 100)} %`;
  return (value) => formatBytes(value);
}
