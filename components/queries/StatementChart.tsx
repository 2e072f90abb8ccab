'use client';

import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { historyTimeTick, historyTimeTicks } from '@/components/charts/history-series';
import { AXIS_COLOR, GRID_COLOR, TOOLTIP_STYLE } from '@/components/tenants/hour-axis';
import { formatNumber } from '@/lib/format';
import type { StatementRange } from '@/lib/statements/statements-model';
import { formatMs } from './statement-figures-view';
import { STATEMENT_RANGE_SECONDS, seriesDomain, type StatementMetric, type StatementSeriesChart } from './statement-series-view';

const CHART_HEIGHT = 180;
const LINE_COLOR = '#58a6ff';

/** One of calls / total time / mean time over the range; a dot per snapshot interval, a break where no call ran. */
export function StatementChart({
  metric,
  label,
  caption,
  chart,
  range,
  busy,
  live,
}: {
  metric: StatementMetric;
  label: string;
  caption: string;
  chart: StatementSeriesChart;
  range: StatementRange;
  busy: boolean;
  /** The figures were read live (no snapshot covers the range): there is no series yet. */
  live: boolean;
}) {
  const format = metric === 'calls' ? formatNumber : (value: number) => formatMs(value);
  const domain = useMemo(() => seriesDomain(chart, range, Date.now()), [chart, range]);
  const ticks = useMemo(() => historyTimeTicks(domain[0], domain[1], STATEMENT_RANGE_SECONDS[range]), [domain, range]);
  const tick = useMemo(() => historyTimeTick(STATEMENT_RANGE_SECONDS[range]), [range]);
  const state = chart.pointCount === 0 ? 'empty' : 'ready';
  return (
    <figure className="card history-chart statement-chart" data-testid="statement-chart" data-metric={metric} data-state={state} data-points={chart.pointCount} aria-busy={busy}>
      <figcaption>
        <h3>{label}</h3>
        <div className="subtle">{caption}</div>
      </figcaption>
      {state === 'empty' ? (
        <div className="chart-empty">
          {live || chart.rows.length === 0
            ? 'no snapshots cover this range yet — the worker stores one every few minutes (is it running?)'
            : 'no call of this statement in this range'}
        </div>
      ) : (
        <div style={{ width: '100%', height: CHART_HEIGHT }}>
          <ResponsiveContainer>
            <LineChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="at" type="number" scale="time" domain={domain} ticks={ticks} tickFormatter={tick} stroke={AXIS_COLOR} fontSize={12} minTickGap={24} />
              <YAxis stroke={AXIS_COLOR} fontSize={12} width={64} domain={[0, 'auto']} tickFormatter={format} />
              <Tooltip
                contentStyle={TOOLTIP_STYLE}
                labelFormatter={(at) => new Date(Number(at)).toLocaleString()}
                formatter={(value) => (typeof value === 'number' ? format(value) : '—')}
              />
              <Line type="linear" dataKey={metric} name={label} stroke={LINE_COLOR} strokeWidth={1.5} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
