import { describe, expect, it } from 'vitest';
import {
  alertEventFilter,
  alertEventsViewSearch,
  DEFAULT_ALERT_EVENTS_VIEW,
  isFiltered,
  parseAlertEventsView,
  withAlertFilters,
} from '@/components/alerts/events/alert-events-url-view';
import { alertEventsQuerySchema } from '@/lib/alerts/events-query';

describe('/alerts page URL state', () => {
  it('reads an empty URL as firing and recent events of every shard and severity', () => {
    expect(parseAlertEventsView(new URLSearchParams())).toEqual(DEFAULT_ALERT_EVENTS_VIEW);
    expect(DEFAULT_ALERT_EVENTS_VIEW).toEqual({ state: 'recent', severity: null, shardId: null, event: null });
    expect(alertEventsViewSearch(DEFAULT_ALERT_EVENTS_VIEW)).toBe('');
  });

  it('reads a shared link back into the same view, the notification link included', () => {
    const view = parseAlertEventsView(new URLSearchParams('state=firing&severity=critical&shardId=shard-2&event=42'));
    expect(view).toEqual({ state: 'firing', severity: 'critical', shardId: 'shard-2', event: '42' });
    expect(parseAlertEventsView(new URLSearchParams(alertEventsViewSearch(view)))).toEqual(view);
  });

  it('opens a hand-edited link with defaults instead of failing', () => {
    expect(parseAlertEventsView(new URLSearchParams('state=open&severity=info&shardId=Shard%201&event=abc'))).toEqual(DEFAULT_ALERT_EVENTS_VIEW);
    expect(parseAlertEventsView(new URLSearchParams('event=007')).event).toBeNull();
  });

  it('asks the API for the list only: the linked event is fetched on its own', () => {
    const view = parseAlertEventsView(new URLSearchParams('severity=warning&event=9'));
    expect(alertEventFilter(view)).toEqual({ state: 'recent', severity: 'warning' });
    expect(alertEventFilter(DEFAULT_ALERT_EVENTS_VIEW)).toEqual({ state: 'recent' });
  });

  it('keeps the linked event open when a filter changes, and says when anything is filtered', () => {
    const view = withAlertFilters(parseAlertEventsView(new URLSearchParams('event=9')), { shardId: 'shard-1' });
    expect(view).toMatchObject({ shardId: 'shard-1', event: '9' });
    expect(isFiltered(view)).toBe(true);
    expect(isFiltered(withAlertFilters(view, { shardId: null }))).toBe(false);
  });
});

describe('GET /api/alerts parameters', () => {
  const parse = (search: string) => alertEventsQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(search)));
  const badField = (search: string) => {
    const result = parse(search);
    return result.success ? null : result.error.issues[0].path.join('.');
  };

  it('defaults to recent events and reads an empty parameter as "any"', () => {
    expect(parse('').data).toEqual({ state: 'recent' });
    expect(parse('state=&shardId=&severity=').data).toEqual({ state: 'recent' });
    expect(parse('state=firing&shardId=shard-1&severity=critical&eventId=12').data).toEqual({
      state: 'firing',
      shardId: 'shard-1',
      severity: 'critical',
      eventId: '12',
    });
  });

  it('names the field at fault', () => {
    expect(badField('state=open')).toBe('state');
    expect(badField('severity=info')).toBe('severity');
    expect(badField('shardId=Shard_1')).toBe('shardId');
    expect(badField('shardId=' + 'a'.repeat(64))).toBe('shardId');
    expect(badField('eventId=12a')).toBe('eventId');
    expect(badField('eventId=0')).toBe('eventId');
  });
});
