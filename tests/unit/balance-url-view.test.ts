import { describe, expect, it } from 'vitest';
import { DEFAULT_BALANCE_VIEW, balanceRequestSearch, balanceViewSearch, parseBalanceView } from '@/lib/rebalance/balance-url-view';

const parse = (search: string) => parseBalanceView(new URLSearchParams(search));

describe('balance view in the URL', () => {
  it('reads the plain /balance link as the last 24 h judged by the mixed dimension', () => {
    expect(parse('')).toEqual({ window: '24h', dimension: 'mixed' });
    expect(DEFAULT_BALANCE_VIEW).toEqual({ window: '24h', dimension: 'mixed' });
  });

  it('round-trips a window and a dimension', () => {
    const view = parse('window=7d&dimension=bytes');
    expect(view).toEqual({ window: '7d', dimension: 'bytes' });
    expect(parse(balanceViewSearch(view))).toEqual(view);
  });

  it('reads unknown values as the defaults instead of failing the page', () => {
    expect(parse('window=2h&dimension=cpu')).toEqual(DEFAULT_BALANCE_VIEW);
  });

  it('leaves defaults out of the link and keeps parameters it does not own', () => {
    expect(balanceViewSearch(DEFAULT_BALANCE_VIEW)).toBe('');
    expect(balanceViewSearch({ window: '1h', dimension: 'mixed' }, new URLSearchParams('dimension=load&x=1'))).toBe('x=1&window=1h');
  });

  it('always asks the API for both parameters', () => {
    expect(balanceRequestSearch(DEFAULT_BALANCE_VIEW)).toBe('window=24h&dimension=mixed');
  });
});
