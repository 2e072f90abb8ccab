import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '@/lib/api/client';
import type { AlertRule, AlertRuleOverrideInput } from '@/lib/alerts/alert-model';
import { alertRuleKeys } from './keys';

export function createAlertRuleOverride(input: AlertRuleOverrideInput): Promise<{ rule: AlertRule }> {
  return postJson<{ rule: AlertRule }>('/api/alert-rules', input);
}

/** Add an override for one shard or node (admin); the rule list and the recent changes refetch. */
export function useCreateAlertRuleMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createAlertRuleOverride,
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertRuleKeys.all }),
  });
}
