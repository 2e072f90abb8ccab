import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { BackendSignalRequest, BackendSignalResult } from '@/lib/monitor/activity-types';
import { shardKeys } from './keys';

export type BackendAction = 'cancel' | 'terminate';

export function signalBackend(shardId: string, action: BackendAction, request: BackendSignalRequest): Promise<BackendSignalResult> {
  return postJson<BackendSignalResult>(`/api/shards/${encodeURIComponent(shardId)}/backends/${action}`, request);
}

/** Cancel or terminate a backend; refreshes the activity panel at once so the result shows without waiting a poll. */
export function useSignalBackendMutation(shardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, request }: { action: BackendAction; request: BackendSignalRequest }) => signalBackend(shardId, action, request),
    onSettled: () => queryClient.invalidateQueries({ queryKey: shardKeys.activity(shardId) }),
  });
}
