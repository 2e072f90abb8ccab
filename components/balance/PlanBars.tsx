'use client';

import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_COLOR, GRID_COLOR, TOOLTIP_STYLE } from '@/components/tenants/hour-axis';
import type { Plan } from '@/lib/rebalance/rebalance-model';
import { stateBarShape } from './state-bar-shape';
import { BALANCE_CHART_HEIGHT, BAND_FILL, BEFORE_COLOR, MEAN_STROKE, SKEW_COLORS, SKEW_STATE_TEXT } from './balance-chart-style';
import { toPlanBars } from './plan-result-view';
import { DIMENSION_LABELS, dimensionTick, formatDimensionValue, formatRatioToMean } from './skew-chart-view';

/**
 * Before and after per shard in the plan's dimension, against the mean and
 * the threshold band: grey is now, the coloured bar is after the plan (green
 * inside the band). The list under it says the same in words.
 */
export function PlanBars({ plan }: { plan: Plan }) {
  const model = useMemo(() => toPlanBars(plan), [plan]);
  const tick = useMemo(() => dimensionTick(model.dimension), [model.dimension]);
  const afterShape = useMemo(() => stateBarShape(model.rows.map((row) => row.afterState)), [model]);
  const drawable = model.mean !== null && model.mean > 0;
  return (
    <figure className="history-chart plan-bars" data-testid="plan-bars" data-dimension={model.dimension} data-shards={model.rows.length}>
      <figcaption>
        <h3>{DIMENSION_LABELS[model.dimension]} per shard, before and after</h3>
        <div className="subtle">
          mean {formatDimensionValue(model.dimension, model.mean)} · band ±{model.thresholdPct} %
        </div>
      </figcaption>
      {drawable ? (
        <div style={{ width: '100%', height: BALANCE_CHART_HEIGHT }}>
          <ResponsiveContainer>
            <BarChart data={model.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="shardId" stroke={AXIS_COLOR} fontSize={12} />
              <YAxis stroke={AXIS_COLOR} fontSize={12} width={72} tickFormatter={tick} />
              <Tooltip
                contentStyle={TOOLTIP_STYLE}
                cursor={{ fill: 'rgba(138, 155, 176, 0.1)' }}
                formatter={(value) => (typeof value === 'number' ? formatDimensionValue(model.dimension, value) : '—')}
              />
              <Legend itemSorter={null} />
              <ReferenceArea y1={model.bandLow!} y2={model.bandHigh!} fill={BAND_FILL} fillOpacity={0.12} strokeOpacity={0} ifOverflow="extendDomain" />
              <ReferenceLine y={model.mean!} stroke={MEAN_STROKE} strokeDasharray="4 4" />
              <Bar dataKey="before" name="before" fill={BEFORE_COLOR} isAnimationActive={false} />
              <Bar dataKey="after" name="after" fill={SKEW_COLORS.within} isAnimationActive={false} shape={afterShape} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <div className="chart-empty">nothing measured in this dimension yet: every shard weighs zero</div>
      )}
      <table className="plan-shards">
        <thead>
          <tr>
            <th>Shard</th>
            <th className="num">Tenants</th>
            <th className="num">Before</th>
            <th className="num">After</th>
            <th>After vs mean</th>
          </tr>
        </thead>
        <tbody>
          {model.rows.map((row) => (
            <tr key={row.shardId} data-testid="plan-shard-row" data-shard-id={row.shardId} data-after-state={row.afterState}>
              <td className="mono">
                {row.shardId}
                {row.status !== 'active' ? <span className="subtle"> · {row.status}</span> : null}
                {row.stale ? <span className="subtle"> · stale</span> : null}
              </td>
              <td className="num">
                {row.tenantsBefore} → {row.tenantsAfter}
              </td>
              <td className="num" data-testid="plan-before">
                {formatDimensionValue(model.dimension, row.before)} <span className="subtle">({formatRatioToMean(row.beforeRatio)})</span>
              </td>
              <td className="num" data-testid="plan-after">
                {formatDimensionValue(model.dimension, row.after)} <span className="subtle">({formatRatioToMean(row.afterRatio)})</span>
              </td>
              <td className={`skew-${row.afterState}`}>{SKEW_STATE_TEXT[row.afterState]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
