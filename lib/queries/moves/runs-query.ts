import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { RunSummary } from '@/lib/rebalance/move-runs';
import { moveKeys } from './keys';
import { MOVE_POLL_MS } from './poll';

export type RunsData = { runs: RunSummary[] };

/** 10 s when nothing runs; every 2 s while a run is still running (its counts change as moves finish). */
export const RUNS_POLL_MS = 10_000;

export function getRuns(signal?: AbortSignal): Promise<RunsData> {
  return fetchJson<RunsData>('/api/rebalance/runs', { signal });
}

export function useRunsQuery() {
  return useQuery({
    queryKey: moveKeys.runs(),
    queryFn: ({ signal }) => getRuns(signal),
    refetchInterval: (query) => (query.state.data?.runs.some((run) => run.status === 'running') ? MOVE_POLL_MS : RUNS_POLL_MS),
  });
}
