import { SEVERITIES, type Severity } from '@/lib/alerts/alert-model';
import { EVENT_ID_PATTERN, EVENT_LIST_STATES, SHARD_ID_PATTERN, type AlertEventFilter, type EventListState } from '@/lib/alerts/events-query';

/**
 * The /alerts page's state as it lives in the URL (`?state=&severity=&shardId=&event=`),
 * so a link shows what its sender saw; `event` is the notification's link to
 * one event (opened and highlighted). Pure; unit-tested. Anything unknown
 * reads as the default rather than failing the page.
 */
export interface AlertEventsView {
  state: EventListState;
  severity: Severity | null;
  shardId: string | null;
  /** The event to open and highlight. */
  event: string | null;
}

export const DEFAULT_ALERT_EVENTS_VIEW: AlertEventsView = { state: 'recent', severity: null, shardId: null, event: null };

function oneOf<T extends string>(allowed: readonly T[], value: string | null): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function matching(pattern: RegExp, value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return pattern.test(trimmed) ? trimmed : null;
}

export function parseAlertEventsView(params: { get(name: string): string | null }): AlertEventsView {
  return {
    state: oneOf(EVENT_LIST_STATES, params.get('state')) ?? DEFAULT_ALERT_EVENTS_VIEW.state,
    severity: oneOf(SEVERITIES, params.get('severity')),
    shardId: matching(SHARD_ID_PATTERN, params.get('shardId')),
    event: matching(EVENT_ID_PATTERN, params.get('event')),
  };
}

/** The page's query string; defaults are left out so the plain link stays `/alerts`. */
export function alertEventsViewSearch(view: AlertEventsView): string {
  const search = new URLSearchParams();
  if (view.state !== DEFAULT_ALERT_EVENTS_VIEW.state) search.set('state', view.state);
  if (view.severity) search.set('severity', view.severity);
  if (view.shardId) search.set('shardId', view.shardId);
  if (view.event) search.set('event', view.event);
  return search.toString();
}

/** What GET /api/alerts is asked for the list (the linked event is fetched on its own). */
export function alertEventFilter(view: AlertEventsView): AlertEventFilter {
  return {
    state: view.state,
    ...(view.shardId ? { shardId: view.shardId } : {}),
    ...(view.severity ? { severity: view.severity } : {}),
  };
}

export type AlertEventsFilterPatch = Partial<Pick<AlertEventsView, 'state' | 'severity' | 'shardId'>>;

/** A changed filter keeps the linked event open: it is shown whether the list holds it or not. */
export function withAlertFilters(view: AlertEventsView, patch: AlertEventsFilterPatch): AlertEventsView {
  return { ...view, ...patch };
}

export function isFiltered(view: AlertEventsView): boolean {
  return view.state !== DEFAULT_ALERT_EVENTS_VIEW.state || view.severity !== null || view.shardId !== null;
}
