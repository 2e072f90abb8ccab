import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { WorkerStatus } from '@/lib/history/worker-status-types';
import { historyKeys } from './keys';

export type WorkerStatusData = WorkerStatus;

/**
 * 10 s: sampling counts as stopped after three missed intervals (45 s at the
 * default 15 s), so a 10 s poll shows "stale" well within a minute of the
 * last worker dying, at the cost of one cheap control-DB read per poll.
 */
export const WORKER_STATUS_POLL_MS = 10_000;

export function getWorkerStatus(signal?: AbortSignal): Promise<WorkerStatusData> {
  return fetchJson<WorkerStatusData>('/api/worker/status', { signal });
}

export function useWorkerStatusQuery() {
  return useQuery({
    queryKey: historyKeys.workerStatus(),
    queryFn: ({ signal }) => getWorkerStatus(signal),
    refetchInterval: WORKER_STATUS_POLL_MS,
  });
}
