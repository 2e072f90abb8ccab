import { useMutation } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { ExplainRequest, ExplainResult } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';

export type ExplainData = ExplainResult;

/** Plain EXPLAIN (operators) or EXPLAIN (ANALYZE, BUFFERS) (admins), read-only and rolled back on the server. */
export function explainStatement(request: ExplainRequest): Promise<ExplainData> {
  return postJson<ExplainData>('/api/queries/explain', request);
}

/**
 * POST, so a mutation: each click asks again (a plan depends on the node, the
 * parameters and the table statistics at that moment) and nothing is cached.
 */
export function useExplainMutation() {
  return useMutation({
    mutationKey: statementKeys.explains(),
    mutationFn: (request: ExplainRequest) => explainStatement(request),
  });
}
