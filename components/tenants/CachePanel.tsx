'use client';

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { formatNumber } from '@/lib/format';
import { useTenantUsageQuery } from '@/lib/queries/tenants/tenant-usage-query';
import { formatHitRate, toUsageHoursChart, type UsageHoursChart } from '@/lib/tenants/usage-bar-view';
import { AXIS_COLOR, GRID_COLOR, HOURLY_CHART_HEIGHT, TOOLTIP_STYLE, hourLabel, hourTick } from './hour-axis';

const CACHE_SERIES = [
  { key: 'cacheHit', label: 'hits', color: '#3fb950' },
  { key: 'cacheMiss', label: 'misses', color: '#d29922' },
  { key: 'cacheSet', label: 'sets', color: '#58a6ff' },
  { key: 'cacheInvalidate', label: 'invalidations', color: '#bc8cff' },
] as const;

function HitRate({ label, rate, lookups, testId }: { label: string; rate: number | null; lookups: number; testId: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="subtle">{label}</div>
      {rate === null ? (
        <div className="stat-value subtle" title="hit rate = hits / (hits + misses); there were no lookups">
          no cache traffic
        </div>
      ) : (
        <div className="stat-value">{formatHitRate(rate)}</div>
      )}
      <div className="subtle">{formatNumber(lookups)} lookups</div>
    </div>
  );
}

function CacheChart({ chart }: { chart: UsageHoursChart }) {
  if (chart.cacheHours === 0) return <div className="chart-empty">no cache operations in the last 24 h</div>;
  return (
    <div style={{ width: '100%', height: HOURLY_CHART_HEIGHT }}>
      <ResponsiveContainer>
        <LineChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="at" tickFormatter={hourTick} stroke={AXIS_COLOR} fontSize={12} minTickGap={24} />
          <YAxis stroke={AXIS_COLOR} fontSize={12} width={56} allowDecimals={false} tickFormatter={formatNumber} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={hourLabel} />
          {/* In series order (hits, misses, …), not alphabetical. */}
          <Legend itemSorter={null} />
          {CACHE_SERIES.map((series) => (
            <Line key={series.key} type="linear" dataKey={series.key} name={series.label} stroke={series.color} dot={false} strokeWidth={1.5} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Cache hit rate this hour and over 24 h, and the operations per hour (Redis counters). */
export function CachePanel({ tenantId }: { tenantId: string }) {
  const { data, error, isPending } = useTenantUsageQuery(tenantId);
  const chart = useMemo(() => (data ? toUsageHoursChart(data.hours) : null), [data]);
  return (
    <section className="card panel" data-testid="panel-cache">
      <header>
        <h2>Cache</h2>
        <span className="subtle">hit rate = hits / (hits + misses), per UTC hour</span>
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="cache counters" error={error} /> : null}
      {data && (!data.countersAvailable || !data.cache) ? (
        <p className="banner warn" role="status">
          counters unavailable: Redis did not answer
        </p>
      ) : null}
      {data && data.countersAvailable && data.cache && chart ? (
        <>
          <div className="stats">
            <HitRate label="hit rate this hour" rate={data.cache.hitRateThisHour} lookups={data.cache.lookupsThisHour} testId="cache-hit-rate-hour" />
            <HitRate label="hit rate over 24 h" rate={data.cache.hitRate24h} lookups={data.cache.lookups24h} testId="cache-hit-rate-24h" />
          </div>
          <figure className="history-chart" data-testid="cache-chart" data-hours={chart.cacheHours} data-points={chart.rows.length}>
            <figcaption className="subtle">hits, misses, sets and invalidations per hour, last 24 h</figcaption>
            <CacheChart chart={chart} />
          </figure>
        </>
      ) : null}
    </section>
  );
}
