import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { AlertRulePatch } from '@/lib/alerts/alert-model';
import type { AlertRuleUpdate } from '@/lib/alerts/rule-validation';
import { alertRuleKeys } from './keys';

export function updateAlertRule(id: string, patch: AlertRulePatch): Promise<AlertRuleUpdate> {
  return fetchJson<AlertRuleUpdate>(`/api/alert-rules/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify(patch) });
}

/** Save one rule (admin); the rule list and the recent changes refetch. */
export function useUpdateAlertRuleMutation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: AlertRulePatch) => updateAlertRule(id, patch),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertRuleKeys.all }),
  });
}
