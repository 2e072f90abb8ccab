'use client';

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type DotItemDotProps } from 'recharts';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { RANGE_SECONDS, type HistoryRange } from '@/lib/history/history-types';
import { findMetric, type SampleKind } from '@/lib/history/metrics';
import { formatSeconds } from '@/lib/format';
import { useHistoryQuery, type HistoryData } from '@/lib/queries/history/history-query';
import { historyAxisFormat, historyTimeTick, historyTimeTicks, toHistoryChart, type HistoryChartModel, type HistoryLine, type HistoryRow } from './history-series';

const CHART_HEIGHT = 180;
const AXIS_COLOR = '#8a9bb0';
const GRID_COLOR = '#2a3542';

export interface HistoryChartProps {
  metric: string;
  range: HistoryRange;
  shardId?: string;
  nodeId?: string;
  /** How the lines were made, e.g. "per shard: its busiest node". */
  caption?: string;
  /** ISO 8601: the range ends here instead of now. */
  to?: string;
}

/**
 * One metric over time, one line per series; queries on its own so that a
 * slow or failing metric leaves the other charts drawn. A gap in a line is a
 * bucket where the node was down or not sampled.
 */
export function HistoryChart({ metric, range, shardId, nodeId, caption, to }: HistoryChartProps) {
  const definition = findMetric(metric);
  const label = definition?.label ?? metric;
  const { data, error, isPending, isPlaceholderData } = useHistoryQuery({ metric, range, shardId, nodeId, to });
  const chart = useMemo(() => (data ? toHistoryChart(data) : null), [data]);
  const state = isPending ? 'loading' : !data ? 'error' : chart!.pointCount === 0 ? 'empty' : 'ready';

  return (
    <figure
      className="card history-chart"
      data-testid="history-chart"
      data-metric={metric}
      data-state={state}
      // The range the drawn data belongs to: absent while a new range loads behind the previous lines.
      data-range={data && !isPlaceholderData ? range : undefined}
      data-points={chart?.pointCount ?? 0}
      data-series={chart?.lines.length ?? 0}
      data-step-seconds={data?.stepSeconds}
      aria-busy={isPending || isPlaceholderData}
    >
      <figcaption>
        <h3>{label}</h3>
        <div className="subtle">
          {[data?.unit ?? definition?.unit, caption, data ? `${formatSeconds(data.stepSeconds)} buckets` : null].filter(Boolean).join(' · ')}
        </div>
      </figcaption>
      {state === 'loading' ? <Skeleton /> : null}
      {state === 'error' ? <AlertError subject={`${label} history`} error={error} /> : null}
      {state === 'empty' ? <EmptyHistory data={data!} kind={definition?.kind} /> : null}
      {state === 'ready' ? <HistoryLines data={data!} chart={chart!} range={range} /> : null}
      {error && data ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
    </figure>
  );
}

/** Why a sample can be missing besides a stopped worker, by kind of metric. */
const EMPTY_HINT: Partial<Record<SampleKind, string>> = {
  host: 'Host metrics also need a metricsUrl for each node in the fleet file.',
  pool: 'PgBouncer lists a pool only once a client has used it.',
};

function EmptyHistory({ data, kind }: { data: HistoryData; kind: SampleKind | undefined }) {
  if (data.series.some((series) => series.points.length > 0)) {
    return <div className="chart-empty">no values in this range: every sample was a gap (node down, or the metric does not apply here)</div>;
  }
  return (
    <div className="chart-empty">
      no samples yet — is the worker running?
      {kind && EMPTY_HINT[kind] ? ` ${EMPTY_HINT[kind]}` : null}
    </div>
  );
}

function HistoryLines({ data, chart, range }: { data: HistoryData; chart: HistoryChartModel; range: HistoryRange }) {
  const axis = useMemo(() => historyAxisFormat(data.unit), [data.unit]);
  const timeTick = useMemo(() => historyTimeTick(RANGE_SECONDS[range]), [range]);
  const timeTicks = useMemo(() => historyTimeTicks(chart.fromMs, chart.toMs, RANGE_SECONDS[range]), [chart.fromMs, chart.toMs, range]);
  // Stable per line: Recharts re-registers a Line whose dataKey or dot changes identity.
  const drawn = useMemo(() => chart.lines.map((line) => ({ line, ...lineAccessors(line) })), [chart.lines]);
  return (
    <div style={{ width: '100%', height: CHART_HEIGHT }}>
      <ResponsiveContainer>
        <LineChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={[chart.fromMs, chart.toMs]}
            ticks={timeTicks}
            tickFormatter={timeTick}
            stroke={AXIS_COLOR}
            fontSize={12}
            minTickGap={24}
          />
          <YAxis stroke={AXIS_COLOR} fontSize={12} width={64} domain={axis.domain} tickFormatter={axis.tick} />
          <Tooltip
            contentStyle={{ background: '#171e26', border: `1px solid ${GRID_COLOR}` }}
            labelFormatter={(at) => new Date(Number(at)).toLocaleString()}
            formatter={(value) => (typeof value === 'number' ? axis.tooltip(value) : '—')}
          />
          {chart.lines.length > 1 ? <Legend /> : null}
          {drawn.map(({ line, value, dot }) => (
            <Line
              key={line.key}
              type="linear"
              dataKey={value}
              name={line.label}
              stroke={line.color}
              strokeWidth={1.5}
              dot={dot}
              activeDot={{ r: 3 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function lineAccessors(line: HistoryLine) {
  const isolated = new Set(line.isolatedRows);
  return {
    value: (row: HistoryRow) => row.values[line.key] ?? null,
    // Only a value with gaps on both sides gets a dot: a line alone would not show it.
    dot: ({ index, cx, cy }: DotItemDotProps) =>
      isolated.has(index) && cx != null && cy != null ? <circle cx={cx} cy={cy} r={2.5} fill={line.color} stroke="none" /> : null,
  };
}
