import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { StatementsResetResult } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';

export type StatementsResetData = StatementsResetResult;

export function resetStatements(shardId: string, nodeId: string): Promise<StatementsResetData> {
  return postJson<StatementsResetData>(`/api/shards/${encodeURIComponent(shardId)}/statements/reset`, { nodeId });
}

/** pg_stat_statements_reset() on one node (admin, audited); every statements report and detail refetches (the node starts a new baseline). */
export function useStatementsResetMutation(shardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: statementKeys.resets(),
    mutationFn: (nodeId: string) => resetStatements(shardId, nodeId),
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: statementKeys.reports() }), queryClient.invalidateQueries({ queryKey: statementKeys.details() })]),
  });
}
