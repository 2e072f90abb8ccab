'use client';

import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { NodeActivity } from '@/lib/monitor/activity-types';
import { CONNECTION_STATE_SERIES, toConnectionStateBars } from './connection-state-series';

/** Client connections per node by state, stacked up to max_connections minus the superuser reserve. */
export function ConnectionStateChart({ nodes }: { nodes: NodeActivity[] }) {
  const bars = toConnectionStateBars(nodes);
  if (bars.length === 0) return null;
  return (
    <div style={{ width: '100%', height: 60 + bars.length * 36 }} data-testid="connection-state-chart">
      <ResponsiveContainer>
        <BarChart data={bars} layout="vertical" margin={{ left: 24, right: 16 }}>
          <XAxis type="number" stroke="#8a9bb0" allowDecimals={false} />
          <YAxis type="category" dataKey="nodeId" stroke="#8a9bb0" width={140} />
          <Tooltip contentStyle={{ background: '#171e26', border: '1px solid #2a3542' }} />
          <Legend />
          {CONNECTION_STATE_SERIES.map((series) => (
            <Bar key={series.key} dataKey={series.key} name={series.label} stackId="connections" fill={series.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
