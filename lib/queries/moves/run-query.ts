import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { RunDetail } from '@/lib/rebalance/move-runs';
import { moveKeys } from './keys';
import { pollRunWhileOpen } from './poll';

export type RunData = RunDetail;

export function getRun(runId: string, signal?: AbortSignal): Promise<RunData> {
  return fetchJson<RunData>(`/api/rebalance/runs/${encodeURIComponent(runId)}`, { signal });
}

/**
 * One run with its moves; polled every 2 s while any move is queued or
 * running, and until the run itself is closed (the worker's sweep closes it
 * a few seconds after its last move finished).
 */
export function useRunQuery(runId: string) {
  return useQuery({
    queryKey: moveKeys.run(runId),
    queryFn: ({ signal }) => getRun(runId, signal),
    refetchInterval: (query) => pollRunWhileOpen(query.state.data),
  });
}
