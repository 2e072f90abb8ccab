import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/api/client';
import type { AlertEvent } from '@/lib/alerts/alert-model';
import type { AlertEventFilter, AlertEventsResponse } from '@/lib/alerts/events-query';
import { alertEventKeys } from './keys';

export type AlertEventsData = AlertEventsResponse;

/**
 * 15 s: the worker evaluates after each sampling round (15 s by default), so
 * an event opens, escalates or resolves at most that often; faster polling
 * re-reads the same rows.
 */
export const ALERT_EVENTS_POLL_MS = 15_000;

export function alertEventsSearch(filter: AlertEventFilter): string {
  const search = new URLSearchParams({ state: filter.state });
  if (filter.shardId) search.set('shardId', filter.shardId);
  if (filter.severity) search.set('severity', filter.severity);
  return search.toString();
}

export function getAlertEvents(filter: AlertEventFilter, signal?: AbortSignal): Promise<AlertEventsData> {
  return fetchJson<AlertEventsData>(`/api/alerts?${alertEventsSearch(filter)}`, { signal });
}

/** The /alerts list; a new filter keeps the previous rows on screen until its answer arrives. */
export function useAlertEventsQuery(filter: AlertEventFilter) {
  return useQuery({
    queryKey: alertEventKeys.list(filter),
    queryFn: ({ signal }) => getAlertEvents(filter, signal),
    refetchInterval: ALERT_EVENTS_POLL_MS,
    placeholderData: keepPreviousData,
  });
}

export async function getAlertEvent(eventId: string, signal?: AbortSignal): Promise<AlertEvent> {
  const { events } = await fetchJson<AlertEventsData>(`/api/alerts?eventId=${encodeURIComponent(eventId)}`, { signal });
  return events[0];
}

/** One event by id, whatever the list's filters (a notification's link may point at an old or filtered-out event). */
export function useAlertEventQuery(eventId: string | null) {
  return useQuery({
    queryKey: alertEventKeys.detail(eventId ?? ''),
    queryFn: ({ signal }) => getAlertEvent(eventId!, signal),
    enabled: eventId !== null,
    refetchInterval: ALERT_EVENTS_POLL_MS,
  });
}
