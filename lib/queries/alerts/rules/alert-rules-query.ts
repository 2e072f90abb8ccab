import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { AlertRuleList } from '@/lib/alerts/rule-validation';
import { alertRuleKeys } from './keys';

export type AlertRulesData = AlertRuleList;

export function getAlertRules(signal?: AbortSignal): Promise<AlertRulesData> {
  return fetchJson<AlertRulesData>('/api/alert-rules', { signal });
}

/** Rules change only by an admin's save (which refetches this): no polling. */
export function useAlertRulesQuery() {
  return useQuery({
    queryKey: alertRuleKeys.list(),
    queryFn: ({ signal }) => getAlertRules(signal),
  });
}
