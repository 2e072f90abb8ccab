'use client';

import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_COLOR, GRID_COLOR, TOOLTIP_STYLE } from '@/components/tenants/hour-axis';
import type { BalanceReport, Dimension } from '@/lib/rebalance/rebalance-model';
import { stateBarShape } from './state-bar-shape';
import { BALANCE_CHART_HEIGHT, BAND_FILL, MEAN_STROKE, SKEW_COLORS, SKEW_STATE_TEXT } from './balance-chart-style';
import {
  DIMENSION_DESCRIPTIONS,
  DIMENSION_LABELS,
  dimensionTick,
  formatDimensionValue,
  formatRatioToMean,
  formatSkew,
  toSkewChart,
} from './skew-chart-view';

/**
 * One dimension: a bar per shard against the mean of the active shards (the
 * dashed line) and the threshold band around it (green). A bar above the band
 * is a shard to take tenants from, below it one to give tenants to.
 */
export function SkewChart({ report, dimension }: { report: BalanceReport; dimension: Dimension }) {
  const chart = useMemo(() => toSkewChart(report, dimension), [report, dimension]);
  const tick = useMemo(() => dimensionTick(dimension), [dimension]);
  const barShape = useMemo(() => stateBarShape(chart.bars.map((bar) => bar.state)), [chart]);
  const empty = chart.mean === null || chart.mean <= 0;
  return (
    <figure
      className="card history-chart skew-chart"
      data-testid="skew-chart"
      data-dimension={dimension}
      data-skew={report.skew[dimension] ?? ''}
      data-outside={chart.outside}
    >
      <figcaption>
        <h3>
          {DIMENSION_LABELS[dimension]} · skew {formatSkew(report.skew[dimension])}
        </h3>
        <div className="subtle">
          {DIMENSION_DESCRIPTIONS[dimension]} · mean {formatDimensionValue(dimension, chart.mean)} · band ±{chart.thresholdPct} %
        </div>
      </figcaption>
      {empty ? (
        <div className="chart-empty">
          {dimension === 'load'
            ? 'no tenant session was active in this window (load is the active time of tenant sessions, sampled by the worker)'
            : 'no tenant storage measured yet — is the worker running?'}
        </div>
      ) : (
        <div style={{ width: '100%', height: BALANCE_CHART_HEIGHT }}>
          <ResponsiveContainer>
            <BarChart data={chart.bars} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="shardId" stroke={AXIS_COLOR} fontSize={12} />
              <YAxis stroke={AXIS_COLOR} fontSize={12} width={72} tickFormatter={tick} />
              <Tooltip
                contentStyle={TOOLTIP_STYLE}
                cursor={{ fill: 'rgba(138, 155, 176, 0.1)' }}
                formatter={(value) => (typeof value === 'number' ? formatDimensionValue(dimension, value) : '—')}
              />
              <ReferenceArea y1={chart.bandLow!} y2={chart.bandHigh!} fill={BAND_FILL} fillOpacity={0.12} strokeOpacity={0} ifOverflow="extendDomain" />
              <ReferenceLine y={chart.mean!} stroke={MEAN_STROKE} strokeDasharray="4 4" label={{ value: 'mean', position: 'insideTopRight', fill: AXIS_COLOR, fontSize: 11 }} />
              <Bar dataKey="value" name={DIMENSION_LABELS[dimension]} isAnimationActive={false} shape={barShape} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <ul className="skew-legend">
        {chart.bars.map((bar) => (
          <li key={bar.shardId} data-testid="skew-shard" data-shard-id={bar.shardId} data-state={bar.state}>
            <span className="swatch" style={{ background: SKEW_COLORS[bar.state] }} /> <span className="mono">{bar.shardId}</span>{' '}
            {formatDimensionValue(dimension, bar.value)} · {formatRatioToMean(bar.ratio)} · {SKEW_STATE_TEXT[bar.state]}
            {bar.stale ? ' · stale' : ''}
          </li>
        ))}
      </ul>
    </figure>
  );
}
