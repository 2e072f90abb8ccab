import type { AlertEventFilter } from '@/lib/alerts/events-query';

export const alertEventKeys = {
  all: ['alert-events'] as const,
  lists: () => [...alertEventKeys.all, 'list'] as const,
  /** One /alerts list: state, shard and severity are all part of the answer. */
  list: (filter: AlertEventFilter) => [...alertEventKeys.lists(), filter] as const,
  /** One event by id (the notification link, /alerts?event=<id>). */
  detail: (eventId: string) => [...alertEventKeys.all, 'event', eventId] as const,
  /** The header badge's counts. */
  summary: () => [...alertEventKeys.all, 'summary'] as const,
};
