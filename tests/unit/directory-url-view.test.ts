import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DIRECTORY_VIEW,
  MAX_PREVIOUS_CURSORS,
  directoryRequest,
  directoryRequestSearch,
  directoryViewSearch,
  firstPage,
  nextPage,
  pageRowRange,
  parseDirectoryView,
  previousPage,
  withFilters,
  withSort,
} from '@/lib/tenants/directory-url-view';

const parse = (search: string) => parseDirectoryView(new URLSearchParams(search));

describe('directory view in the URL', () => {
  it('reads the plain /tenants link as the first page sorted by name', () => {
    expect(parse('')).toEqual(DEFAULT_DIRECTORY_VIEW);
    expect(directoryViewSearch(DEFAULT_DIRECTORY_VIEW)).toBe('');
  });

  it('round-trips filters, sort, page size and the cursor stack', () => {
    const view = {
      ...DEFAULT_DIRECTORY_VIEW,
      q: 'acme',
      tier: 'free' as const,
      shardId: 'shard-2',
      status: 'active' as const,
      layout: 'schema' as const,
      limit: 'over' as const,
      sort: 'api_calls' as const,
      dir: 'desc' as const,
      pageSize: 100,
      after: 'c3',
      previous: ['c1', 'c2'],
      page: 4,
    };
    expect(parse(directoryViewSearch(view))).toEqual(view);
  });

  it('falls back to defaults for values outside the allowlists instead of failing the page', () => {
    const view = parse('tier=platinum&status=gone&layout=x&limit=under&sort=password&dir=up&pageSize=5000');
    expect(view.tier).toBeNull();
    expect(view.status).toBeNull();
    expect(view.layout).toBeNull();
    expect(view.limit).toBeNull();
    expect(view.sort).toBe('name');
    expect(view.dir).toBe('asc');
    expect(view.pageSize).toBe(50);
  });

  it('sorts amounts biggest first when the URL names the column without a direction', () => {
    expect(parse('sort=storage').dir).toBe('desc');
    expect(parse('sort=shard').dir).toBe('asc');
  });

  it('drops a cursor that is not base64url and ignores prev without a cursor', () => {
    expect(parse('after=not%20a%20cursor').after).toBeNull();
    expect(parse('prev=c1.c2&page=3')).toMatchObject({ after: null, previous: [], page: 1 });
  });

  it('never reads a page number below what the cursor stack proves', () => {
    expect(parse('after=c3&prev=c1.c2&page=1').page).toBe(4);
  });
});

describe('directory paging over a keyset', () => {
  it('walks forward and back through the pages it has seen', () => {
    const page1 = DEFAULT_DIRECTORY_VIEW;
    const page2 = nextPage(page1, 'c1');
    const page3 = nextPage(page2, 'c2');
    expect(page3).toMatchObject({ after: 'c2', previous: ['c1'], page: 3 });
    expect(previousPage(page3)).toEqual(page2);
    expect(previousPage(page2)).toEqual(page1);
    expect(previousPage(page1)).toBeNull();
  });

  it('keeps a bounded stack; past it Prev stops and First still works', () => {
    let view = DEFAULT_DIRECTORY_VIEW;
    for (let index = 1; index <= MAX_PREVIOUS_CURSORS + 3; index += 1) view = nextPage(view, `c${index}`);
    expect(view.previous).toHaveLength(MAX_PREVIOUS_CURSORS);
    for (let step = 0; step < MAX_PREVIOUS_CURSORS; step += 1) view = previousPage(view)!;
    expect(view.page).toBeGreaterThan(2);
    expect(previousPage(view)).toBeNull();
    expect(firstPage(view)).toMatchObject({ after: null, previous: [], page: 1 });
  });

  it('starts a changed filter or sort from the first page (a cursor is a position in one list)', () => {
    const deep = nextPage(nextPage(DEFAULT_DIRECTORY_VIEW, 'c1'), 'c2');
    expect(withFilters(deep, { tier: 'starter' })).toMatchObject({ tier: 'starter', after: null, previous: [], page: 1 });
    expect(withSort(deep, 'storage', 'desc')).toMatchObject({ sort: 'storage', dir: 'desc', after: null, page: 1 });
  });

  it('says which rows a page holds', () => {
    expect(pageRowRange({ ...DEFAULT_DIRECTORY_VIEW, page: 3 }, 50)).toBe('rows 101–150');
    expect(pageRowRange(DEFAULT_DIRECTORY_VIEW, 0)).toBe('no rows');
  });
});

describe('directory API request', () => {
  it('sends filters, sort, cursor and page size but never the Prev stack', () => {
    const view = { ...DEFAULT_DIRECTORY_VIEW, q: '  acme ', tier: 'free' as const, after: 'c2', previous: ['c1'], page: 3 };
    const request = directoryRequest(view);
    expect(request).toEqual({ q: 'acme', tier: 'free', sort: 'name', dir: 'asc', after: 'c2', pageSize: 50 });
    expect(directoryRequestSearch(request)).toBe('q=acme&tier=free&sort=name&dir=asc&after=c2&pageSize=50');
  });

  it('leaves a blank search out of the request', () => {
    expect(directoryRequest({ ...DEFAULT_DIRECTORY_VIEW, q: '   ' })).not.toHaveProperty('q');
  });
});
