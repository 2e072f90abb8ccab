import type { StatementRange } from '@/lib/statements/statements-model';
import type { StatementsRequest } from './statements-request';

export const statementKeys = {
  all: ['statements'] as const,
  reports: () => [...statementKeys.all, 'report'] as const,
  /** One fleet report: the window, the sort, every filter and the limit are part of what the server answers. */
  report: (request: StatementsRequest) => [...statementKeys.reports(), request] as const,
  details: () => [...statementKeys.all, 'detail'] as const,
  detail: (statementHash: string, range: StatementRange) => [...statementKeys.details(), statementHash, range] as const,
  explains: () => [...statementKeys.all, 'explain'] as const,
  suggestions: () => [...statementKeys.all, 'suggest-index'] as const,
  resets: () => [...statementKeys.all, 'reset'] as const,
  indexAdvices: () => [...statementKeys.all, 'index-advice'] as const,
  indexAdvice: (shardId: string) => [...statementKeys.indexAdvices(), shardId] as const,
};
