import { z } from 'zod';
import { SEVERITIES, type AlertEvent } from './alert-model';

/**
 * The alert events API's requests and answers (GET /api/alerts,
 * GET /api/alerts/summary, POST /api/alerts/:eventId/ack): what the route
 * handlers parse and what the /alerts page and the header badge read. No I/O.
 */

/** firing: open events only. recent: open events plus those started or resolved in the last RECENT_EVENTS_DAYS days. */
export const EVENT_LIST_STATES = ['firing', 'recent'] as const;
export type EventListState = (typeof EVENT_LIST_STATES)[number];

/** A week: long enough to look back over a weekend on call, short enough to stay one screen of a busy fleet. */
export const RECENT_EVENTS_DAYS = 7;

/** The list is capped: 200 events are more than anyone reads, and the table stays fast. */
export const MAX_LISTED_EVENTS = 200;

/** The shape of a fleet-file shard id (lib/fleet/fleet-file.ts): anything else cannot name a shard. */
export const SHARD_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** alert_events.id is a bigint: digits only, no leading zero, within its range. */
export const EVENT_ID_PATTERN = /^[1-9]\d{0,17}$/;

/** An empty parameter (`?shardId=`) means "any", as in a form sent with nothing chosen. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const eventIdSchema = z.string().regex(EVENT_ID_PATTERN, 'must be an alert event id (digits)');

/** GET /api/alerts: `eventId` fetches that one event whatever the other filters say (the notification link). */
export const alertEventsQuerySchema = z.object({
  state: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(EVENT_LIST_STATES, { error: `must be one of: ${EVENT_LIST_STATES.join(', ')}` }).default('recent'),
  ),
  shardId: optional(z.string().regex(SHARD_ID_PATTERN, 'must be a shard id (lowercase letters, digits and dashes)')),
  severity: optional(z.enum(SEVERITIES, { error: `must be one of: ${SEVERITIES.join(', ')}` })),
  eventId: optional(eventIdSchema),
});

export type AlertEventsQuery = z.infer<typeof alertEventsQuerySchema>;

/** What the list is filtered on; severity is the event's peak severity (what it reached). */
export interface AlertEventFilter {
  state: EventListState;
  shardId?: string;
  severity?: (typeof SEVERITIES)[number];
}

export interface AlertEventsResponse {
  events: AlertEvent[];
}

/** The header badge: open events, by their current severity, and how many nobody has acknowledged yet. */
export interface FiringSummary {
  firing: number;
  critical: number;
  warning: number;
  unacknowledged: number;
}
