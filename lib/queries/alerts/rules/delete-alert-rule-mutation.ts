import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { AlertRule } from '@/lib/alerts/alert-model';
import { alertRuleKeys } from './keys';

export function deleteAlertRuleOverride(id: string): Promise<{ deleted: AlertRule }> {
  return fetchJson<{ deleted: AlertRule }>(`/api/alert-rules/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Remove an override (admin); its targets fall back to the shard or fleet rule. */
export function useDeleteAlertRuleMutation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteAlertRuleOverride(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertRuleKeys.all }),
  });
}
