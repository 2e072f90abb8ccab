import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits, jsonWithEtag, strongEtag } from '@/lib/api/etag';

describe('strong ETags from the body', () => {
  it('gives equal bodies the same quoted tag and different bodies different tags', () => {
    const tag = strongEtag('{"shardId":"shard-1","version":1}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(strongEtag('{"shardId":"shard-1","version":1}')).toBe(tag);
    expect(strongEtag('{"shardId":"shard-2","version":2}')).not.toBe(tag);
  });
});

describe('If-None-Match', () => {
  const tag = strongEtag('body');

  it('hits on the tag, on the tag in a list, on its weak form and on *', () => {
    expect(ifNoneMatchHits(tag, tag)).toBe(true);
    expect(ifNoneMatchHits(`"other", ${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHits(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHits('*', tag)).toBe(true);
  });

  it('misses without the header or with another tag', () => {
    expect(ifNoneMatchHits(null, tag)).toBe(false);
    expect(ifNoneMatchHits('', tag)).toBe(false);
    expect(ifNoneMatchHits('"other"', tag)).toBe(false);
    expect(ifNoneMatchHits(tag.slice(1, -1), tag)).toBe(false);
  });
});

describe('jsonWithEtag', () => {
  it('answers 200 with the body and its tag, then 304 without a body for that tag', async () => {
    const first = jsonWithEtag({ shardId: 'shard-1' }, null);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/no-cache/);
    const etag = first.headers.get('etag')!;
    expect(await first.json()).toEqual({ shardId: 'shard-1' });

    const again = jsonWithEtag({ shardId: 'shard-1' }, etag);
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');

    expect(jsonWithEtag({ shardId: 'shard-2' }, etag).status).toBe(200);
  });
});
