export const alertRuleKeys = {
  all: ['alert-rules'] as const,
  list: () => [...alertRuleKeys.all, 'list'] as const,
  /** The audit log's alert rule entries (the settings page's "Recent changes"). */
  changes: (limit: number) => [...alertRuleKeys.all, 'changes', limit] as const,
};
