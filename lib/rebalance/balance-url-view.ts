import { DEFAULT_DIMENSION, DIMENSIONS, type Dimension } from './rebalance-model';

/**
 * The balance page's state as it lives in the URL (`?window=&dimension=`), so
 * a link shows what its sender saw. Pure; unit-tested. Anything unknown reads
 * as the default rather than failing the page: a hand-edited link still opens.
 */

/** The windows GET /api/balance sums sampled load over. */
export const BALANCE_WINDOWS = ['1h', '6h', '24h', '7d'] as const;
export type BalanceWindow = (typeof BALANCE_WINDOWS)[number];

/** A day: long enough to smooth a busy hour, short enough that last week's tenant mix does not decide today's plan. */
export const DEFAULT_BALANCE_WINDOW: BalanceWindow = '24h';

export interface BalanceView {
  window: BalanceWindow;
  dimension: Dimension;
}

export const DEFAULT_BALANCE_VIEW: BalanceView = { window: DEFAULT_BALANCE_WINDOW, dimension: DEFAULT_DIMENSION };

function isBalanceWindow(value: string | null): value is BalanceWindow {
  return (BALANCE_WINDOWS as readonly (string | null)[]).includes(value);
}

export function isDimension(value: string | null): value is Dimension {
  return (DIMENSIONS as readonly (string | null)[]).includes(value);
}

export function parseBalanceView(params: URLSearchParams): BalanceView {
  const window = params.get('window');
  const dimension = params.get('dimension');
  return {
    window: isBalanceWindow(window) ? window : DEFAULT_BALANCE_WINDOW,
    dimension: isDimension(dimension) ? dimension : DEFAULT_DIMENSION,
  };
}

/**
 * The search string for `view`, keeping any other parameter of `current`;
 * defaults are left out so the plain /balance link stays plain.
 */
export function balanceViewSearch(view: BalanceView, current: URLSearchParams = new URLSearchParams()): string {
  const params = new URLSearchParams(current);
  if (view.window === DEFAULT_BALANCE_WINDOW) params.delete('window');
  else params.set('window', view.window);
  if (view.dimension === DEFAULT_DIMENSION) params.delete('dimension');
  else params.set('dimension', view.dimension);
  return params.toString();
}

/** What GET /api/balance is asked: both parameters always, so the answer never depends on the server's defaults. */
export function balanceRequestSearch(view: BalanceView): string {
  return new URLSearchParams({ window: view.window, dimension: view.dimension }).toString();
}
