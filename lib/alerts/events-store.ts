import type pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { describeNodeError } from '@/lib/fleet/node-pools';
import type { AlertContext, AlertEvent, Severity } from './alert-model';
import { queueDeliveries } from './deliveries';
import { eventIdSchema, MAX_LISTED_EVENTS, RECENT_EVENTS_DAYS, type AlertEventFilter, type AlertEventsQuery, type FiringSummary } from './events-query';

/**
 * Alert events in the control DB as the console reads them: the /alerts list
 * and one event, the header badge's counts, and acknowledging (operator,
 * audited, notified). The worker writes the events (lib/alerts/, evaluation).
 */

/** An event with the name of its tenant (tenant rules only); the name is looked up now, so a renamed tenant reads as it is called today. */
const EVENT_COLUMNS = `
    e.id::text as id,
    e.rule_id::text as rule_id,
    e.metric,
    e.shard_id,
    e.node_id,
    e.tenant_id::text as tenant_id,
    t.name as tenant_name,
    e.peak_severity,
    e.severity,
    e.started_at,
    e.resolved_at,
    e.resolve_reason,
    e.peak_value,
    e.last_value,
    e.threshold,
    e.acknowledged_by,
    e.acknowledged_at,
    e.context`;

/**
 * The /alerts list. $1 open events only, $2 the start of "recent", $3 shard,
 * $4 peak severity, $5 the cap. Open events always belong to the list, however
 * old; then what started or resolved since $2. Firing first, then newest first.
 */
const LIST_EVENTS_SQL = `
  select ${EVENT_COLUMNS}
  from alert_events e
  left join tenants t on t.id = e.tenant_id
  where (e.resolved_at is null or (not $1::boolean and (e.started_at >= $2 or e.resolved_at >= $2)))
    and ($3::text is null or e.shard_id = $3)
    and ($4::text is null or e.peak_severity = $4)
  order by (e.resolved_at is null) desc, e.started_at desc, e.id desc
  limit $5`;

const GET_EVENT_SQL = `
  select ${EVENT_COLUMNS}
  from alert_events e
  left join tenants t on t.id = e.tenant_id
  where e.id = $1`;

/** Open events by current severity: a warning that escalated counts as critical now, and back. */
const FIRING_SUMMARY_SQL = `
  select
    count(*)::int as firing,
    count(*) filter (where severity = 'critical')::int as critical,
    count(*) filter (where severity = 'warning')::int as warning,
    count(*) filter (where acknowledged_at is null)::int as unacknowledged
  from alert_events
  where resolved_at is null`;

/** The event row locked for the acknowledgement: a concurrent acknowledge waits here and then sees this one's name. */
const LOCK_EVENT_SQL = `
  select id::text as id, metric, shard_id, severity, last_value, acknowledged_by, acknowledged_at
  from alert_events
  where id = $1
  for update`;

const ACKNOWLEDGE_EVENT_SQL = `
  update alert_events
  set acknowledged_by = $2,
      acknowledged_at = now()
  where id = $1`;

/** The next number of the event's transitions: (event, seq) is what a notification is about (its dedupe key). */
const INSERT_ACK_TRANSITION_SQL = `
  insert into alert_event_transitions (event_id, seq, kind, severity, value, at, actor)
  select $1, coalesce(max(seq), 0) + 1, 'acknowledged', $2, $3, now(), $4
  from alert_event_transitions
  where event_id = $1
  returning seq`;

interface EventRow {
  id: string;
  rule_id: string | null;
  metric: string;
  shard_id: string;
  node_id: string | null;
  tenant_id: string | null;
  tenant_name: string | null;
  peak_severity: Severity;
  severity: Severity;
  started_at: Date;
  resolved_at: Date | null;
  resolve_reason: string | null;
  peak_value: number | null;
  last_value: number | null;
  threshold: number | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  context: AlertContext | null;
}

/** A row as the API shows it: severity is the peak (what the event reached), currentSeverity where it stands. */
export function toAlertEvent(row: EventRow): AlertEvent {
  return {
    id: row.id,
    ruleId: row.rule_id,
    metric: row.metric,
    shardId: row.shard_id,
    nodeId: row.node_id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    severity: row.peak_severity,
    currentSeverity: row.severity,
    state: row.resolved_at === null ? 'firing' : 'resolved',
    startedAt: row.started_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolveReason: row.resolve_reason,
    peakValue: row.peak_value,
    lastValue: row.last_value,
    threshold: row.threshold,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    context: row.context,
  };
}

/** Connection refused or lost, a timeout, a server shutting down (SQLSTATE classes 08 and 57P): the database is away, not the request wrong. */
function isUnreachable(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code && (/^(08|57P)/.test(code) || code === '57014' || /^E[A-Z]+$/.test(code))) return true;
  return /timeout|terminat|Connection|ECONN/i.test(message ?? '');
}

/** Work on the control DB; a database that does not answer is a 503 naming why, never a driver message. */
async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError || !isUnreachable(error)) throw error;
    throw new ApiError('unavailable', `alerts are unavailable: control database ${describeNodeError(error)}`);
  }
}

export async function listAlertEvents(filter: AlertEventFilter, now: Date = new Date()): Promise<AlertEvent[]> {
  const since = new Date(now.getTime() - RECENT_EVENTS_DAYS * 86_400_000);
  const { rows } = await orUnavailable(() =>
    getControlPool().query<EventRow>(LIST_EVENTS_SQL, [
      filter.state === 'firing',
      since,
      filter.shardId ?? null,
      filter.severity ?? null,
      MAX_LISTED_EVENTS,
    ]),
  );
  return rows.map(toAlertEvent);
}

export async function getAlertEvent(eventId: string): Promise<AlertEvent | null> {
  const { rows } = await orUnavailable(() => getControlPool().query<EventRow>(GET_EVENT_SQL, [eventId]));
  return rows[0] ? toAlertEvent(rows[0]) : null;
}

/** GET /api/alerts: one event by id (404 when there is none), or the filtered list. */
export async function findAlertEvents(query: AlertEventsQuery): Promise<AlertEvent[]> {
  if (query.eventId !== undefined) {
    const event = await getAlertEvent(query.eventId);
    if (!event) throw new ApiError('not_found', `no alert event ${query.eventId}`, 'eventId');
    return [event];
  }
  return listAlertEvents({ state: query.state, shardId: query.shardId, severity: query.severity });
}

export async function getFiringSummary(): Promise<FiringSummary> {
  const { rows } = await orUnavailable(() => getControlPool().query<FiringSummary>(FIRING_SUMMARY_SQL));
  return rows[0];
}

interface LockedEventRow {
  id: string;
  metric: string;
  shard_id: string;
  severity: Severity;
  last_value: number | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
}

async function lockEvent(client: pg.PoolClient, eventId: string): Promise<LockedEventRow> {
  const { rows } = await client.query<LockedEventRow>(LOCK_EVENT_SQL, [eventId]);
  if (!rows[0]) throw new ApiError('not_found', `no alert event ${eventId}`, 'eventId');
  return rows[0];
}

/**
 * Marks the event as seen by `actor` (operator). One transaction: the event
 * row locked, the acknowledgement, its numbered transition, the notifications
 * to send for it (the worker delivers them), and the audit row. Acknowledging
 * twice is a 409 that says who was first; a resolved event may still be
 * acknowledged (the operator says they looked at it).
 */
export async function acknowledgeAlertEvent(eventIdText: string, actor: Session): Promise<AlertEvent> {
  const parsed = eventIdSchema.safeParse(eventIdText);
  if (!parsed.success) throw new ApiError('bad_request', `eventId: ${parsed.error.issues[0].message}`, 'eventId');
  const eventId = parsed.data;
  await orUnavailable(() =>
    withControlTransaction(async (client) => {
      const event = await lockEvent(client, eventId);
      if (event.acknowledged_by !== null) {
        throw new ApiError(
          'conflict',
          `alert event ${eventId} was already acknowledged by ${event.acknowledged_by} at ${event.acknowledged_at!.toISOString()}`,
          'eventId',
        );
      }
      await client.query(ACKNOWLEDGE_EVENT_SQL, [eventId, actor.user]);
      const { rows } = await client.query<{ seq: number }>(INSERT_ACK_TRANSITION_SQL, [eventId, event.severity, event.last_value, actor.user]);
      const seq = rows[0].seq;
      await queueDeliveries(client, [{ eventId, seq, transition: 'acknowledged' }]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'alert.acknowledge',
        target: `alert_event:${eventId}`,
        result: 'ok',
        detail: { metric: event.metric, shardId: event.shard_id, severity: event.severity, seq },
      });
    }),
  );
  const acknowledged = await getAlertEvent(eventId);
  return acknowledged!;
}
