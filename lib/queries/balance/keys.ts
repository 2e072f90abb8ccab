import type { BalanceView } from '@/lib/rebalance/balance-url-view';

export const balanceKeys = {
  all: ['balance'] as const,
  reports: () => [...balanceKeys.all, 'report'] as const,
  /** One report: the load window and the dimension are both part of what the server answers. */
  report: (view: BalanceView) => [...balanceKeys.reports(), view.window, view.dimension] as const,
  plans: () => [...balanceKeys.all, 'plan'] as const,
};
