import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATEMENTS_VIEW,
  parseStatementsView,
  statementHref,
  statementsViewSearch,
  withStatementsFilters,
} from '@/components/queries/statements-url-view';
import { statementsRequestSearch } from '@/lib/queries/statements/statements-request';

describe('queries page URL state', () => {
  it('reads an empty URL as the defaults: the last hour by total time, 50 rows, no filter', () => {
    expect(parseStatementsView(new URLSearchParams())).toEqual(DEFAULT_STATEMENTS_VIEW);
    expect(DEFAULT_STATEMENTS_VIEW).toMatchObject({ window: '1h', sort: 'total_time', limit: 50, q: '' });
  });

  it('reads a shared link back into the same view', () => {
    const view = parseStatementsView(new URLSearchParams('window=7d&sort=mean_time&shardId=shard-2&nodeId=shard-2-replica-1&user=app&q=from%20orders&limit=100'));
    expect(view).toEqual({ window: '7d', sort: 'mean_time', shardId: 'shard-2', nodeId: 'shard-2-replica-1', user: 'app', q: 'from orders', limit: 100 });
    expect(parseStatementsView(new URLSearchParams(statementsViewSearch(view)))).toEqual(view);
  });

  it('opens a hand-edited link with defaults instead of failing: unknown window or sort, a bad or huge limit', () => {
    const view = parseStatementsView(new URLSearchParams('window=2h&sort=query&limit=-3'));
    expect(view).toMatchObject({ window: '1h', sort: 'total_time', limit: 50 });
    expect(parseStatementsView(new URLSearchParams('limit=5000')).limit).toBe(200);
    expect(parseStatementsView(new URLSearchParams('limit=abc')).limit).toBe(50);
  });

  it('keeps the plain /queries link plain and other parameters untouched', () => {
    expect(statementsViewSearch(DEFAULT_STATEMENTS_VIEW)).toBe('');
    expect(statementsViewSearch({ ...DEFAULT_STATEMENTS_VIEW, window: 'reset' }, new URLSearchParams('debug=1'))).toBe('debug=1&window=reset');
  });

  it('drops the node filter when another shard is picked, keeps it when only the text changes', () => {
    const view = { ...DEFAULT_STATEMENTS_VIEW, shardId: 'shard-1', nodeId: 'shard-1-primary' };
    expect(withStatementsFilters(view, { shardId: 'shard-2' })).toMatchObject({ shardId: 'shard-2', nodeId: null });
    expect(withStatementsFilters(view, { q: 'orders' })).toMatchObject({ shardId: 'shard-1', nodeId: 'shard-1-primary', q: 'orders' });
  });

  it('always asks the API for window, sort and limit, and for a filter only when set', () => {
    expect(statementsRequestSearch(DEFAULT_STATEMENTS_VIEW)).toBe('window=1h&sort=total_time&limit=50');
    expect(statementsRequestSearch({ ...DEFAULT_STATEMENTS_VIEW, q: "x' or 1=1", user: 'app' })).toBe('window=1h&sort=total_time&limit=50&user=app&q=x%27+or+1%3D1');
  });

  it('links a row to its statement page on the chart range nearest the window', () => {
    expect(statementHref('abc', '7d')).toBe('/queries/abc?range=7d');
    expect(statementHref('abc', '15m')).toBe('/queries/abc');
    expect(statementHref('abc', 'reset')).toBe('/queries/abc');
  });
});
