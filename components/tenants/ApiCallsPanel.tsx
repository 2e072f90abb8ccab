'use client';

import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { formatNumber } from '@/lib/format';
import { useTenantUsageQuery } from '@/lib/queries/tenants/tenant-usage-query';
import { toUsageHoursChart, type UsageHoursChart } from '@/lib/tenants/usage-bar-view';
import { AXIS_COLOR, GRID_COLOR, HOURLY_CHART_HEIGHT, TOOLTIP_STYLE, hourLabel, hourTick } from './hour-axis';

function ApiChart({ chart }: { chart: UsageHoursChart }) {
  if (chart.apiHours === 0) return <div className="chart-empty">no API calls in the last 24 h</div>;
  return (
    <div style={{ width: '100%', height: HOURLY_CHART_HEIGHT }}>
      <ResponsiveContainer>
        <BarChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="at" tickFormatter={hourTick} stroke={AXIS_COLOR} fontSize={12} minTickGap={24} />
          <YAxis stroke={AXIS_COLOR} fontSize={12} width={56} allowDecimals={false} tickFormatter={formatNumber} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={hourLabel} cursor={{ fill: 'rgba(138, 155, 176, 0.1)' }} />
          <Legend itemSorter={null} />
          <Bar dataKey="apiCalls" name="API calls" fill="#58a6ff" isAnimationActive={false} />
          <Bar dataKey="rateLimited" name="refused (429)" fill="#f85149" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** API calls per hour against the hourly limit, with the calls the limiter refused (429). */
export function ApiCallsPanel({ tenantId }: { tenantId: string }) {
  const { data, error, isPending } = useTenantUsageQuery(tenantId);
  const chart = useMemo(() => (data ? toUsageHoursChart(data.hours) : null), [data]);
  const refusedThisHour = data?.hours.at(-1)?.rateLimited ?? 0;
  const refused24h = data?.hours.reduce((sum, hour) => sum + hour.rateLimited, 0) ?? 0;
  return (
    <section className="card panel" data-testid="panel-api-calls">
      <header>
        <h2>API calls</h2>
        {data ? <span className="subtle">limit {formatNumber(data.limits.maxApiCallsPerHour)} per UTC hour</span> : null}
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="API counters" error={error} /> : null}
      {data && !data.countersAvailable ? (
        <p className="banner warn" role="status">
          counters unavailable: Redis did not answer
        </p>
      ) : null}
      {data && data.countersAvailable && chart ? (
        <>
          <p data-testid="rate-limited">
            refused by the rate limiter (429): <strong>{formatNumber(refusedThisHour)}</strong> this hour · {formatNumber(refused24h)} in 24 h
          </p>
          <figure className="history-chart" data-testid="api-chart" data-hours={chart.apiHours}>
            <figcaption className="subtle">API calls and refusals per hour, last 24 h</figcaption>
            <ApiChart chart={chart} />
          </figure>
        </>
      ) : null}
    </section>
  );
}
