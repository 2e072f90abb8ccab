import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { AuditRow } from '@/lib/auth/audit';
import { alertRuleKeys } from './keys';

export interface RuleChangesData {
  entries: AuditRow[];
}

/** The audit action prefix of every alert rule change (alert_rule.update, .create, .delete). */
export const ALERT_RULE_AUDIT_PREFIX = 'alert_rule.';

export function getRuleChanges(limit: number, signal?: AbortSignal): Promise<RuleChangesData> {
  const search = new URLSearchParams({ action: ALERT_RULE_AUDIT_PREFIX, limit: String(limit) });
  return fetchJson<RuleChangesData>(`/api/audit?${search}`, { signal });
}

/** Changes come from this page's saves, which refetch it: no polling (another admin's change shows on the next load). */
export function useRuleChangesQuery(limit: number) {
  return useQuery({
    queryKey: alertRuleKeys.changes(limit),
    queryFn: ({ signal }) => getRuleChanges(limit, signal),
  });
}
