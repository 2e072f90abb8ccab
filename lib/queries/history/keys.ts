import type { HistoryRange } from '@/lib/history/history-types';

export const historyKeys = {
  all: ['history'] as const,
  metric: (metric: string) => [...historyKeys.all, 'metric', metric] as const,
  /** One chart: a metric over one scope (fleet, shard, node or tenant) and range (ending now, or at `to`). */
  series: (metric: string, range: HistoryRange, shardId?: string, nodeId?: string, tenantId?: string, to?: string) =>
    [...historyKeys.metric(metric), shardId ?? null, nodeId ?? null, tenantId ?? null, range, to ?? null] as const,
  workerStatus: () => [...historyKeys.all, 'worker-status'] as const,
};
