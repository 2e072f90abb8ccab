import { useMutation } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { IndexSuggestion, SuggestIndexRequest } from '@/lib/statements/statements-model';
import { statementKeys } from './keys';

export type IndexSuggestionData = IndexSuggestion;

/** Hypothetical indexes (HypoPG) tried on one node for one statement (operator); the console never creates an index. */
export function suggestIndex(request: SuggestIndexRequest): Promise<IndexSuggestionData> {
  return postJson<IndexSuggestionData>('/api/queries/suggest-index', request);
}

export function useSuggestIndexMutation() {
  return useMutation({
    mutationKey: statementKeys.suggestions(),
    mutationFn: (request: SuggestIndexRequest) => suggestIndex(request),
  });
}
