import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { TenantMoveView } from '@/lib/rebalance/move-read';
import { moveKeys } from './keys';
import { pollWhileLive } from './poll';

export type MoveData = TenantMoveView;

export function getMove(moveId: string, signal?: AbortSignal): Promise<MoveData> {
  return fetchJson<MoveData>(`/api/moves/${encodeURIComponent(moveId)}`, { signal });
}

/** One move; polled every 2 s while it is queued or running. */
export function useMoveQuery(moveId: string) {
  return useQuery({
    queryKey: moveKeys.move(moveId),
    queryFn: ({ signal }) => getMove(moveId, signal),
    refetchInterval: (query) => pollWhileLive(query.state.data ? [query.state.data] : undefined),
  });
}
