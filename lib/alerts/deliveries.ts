import { createHash } from 'node:crypto';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { QUEUES, type DeliveryJob } from '@/lib/jobs/queues';
import type { ChannelKind, DeliveryStatus, DeliveryTransition, NotificationDelivery, Severity, TransitionKind } from './alert-model';
import { isChannelId } from './channel-validation';
import { buildChannelPayload, type ChannelPayload, type PayloadEvent, type PayloadTransition } from './notification-payloads';

export { deliverNotification } from './delivery-send';

/**
 * Notifications queued: one notification_deliveries row per message (event
 * transition × channel), then one pg-boss job per row.
 *
 * Exactly one message per transition and channel, however many workers run:
 * the row's dedupe_key ('<event id>:<seq>:<channel id>') is unique, so a
 * retried evaluation inserts nothing new; the job id is derived from the
 * delivery id, so enqueuing twice (a retry, the sweep) makes one job; and the
 * job locks its row (lib/alerts/delivery-send.ts), so a duplicate job finds
 * it busy or already sent.
 */

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface DeliveryItem {
  eventId: string;
  seq: number;
  transition: TransitionKind;
}

/**
 * Enabled channels, held FOR KEY SHARE until the caller's transaction ends:
 * a channel deleted meanwhile waits for it, instead of failing the
 * evaluation on the deliveries' foreign key.
 */
const ENABLED_CHANNELS_SQL = `
  select id::text as id, kind, notify_on_ack
  from notification_channels
  where enabled
  order by id
  for key share`;

/** The events and transitions the messages are about (the transition row may be absent: the event's own figures stand in). */
const EVENTS_FOR_DELIVERY_SQL = `
  select
    i.event_id::text as event_id, i.seq, i.kind,
    e.metric, e.shard_id, e.node_id, e.tenant_id::text as tenant_id, tn.name as tenant_name,
    e.started_at, e.resolved_at, e.peak_severity, e.peak_value, e.severity, e.last_value,
    t.severity as transition_severity, t.value as transition_value, t.at as transition_at, t.actor
  from unnest($1::bigint[], $2::int[], $3::text[]) as i (event_id, seq, kind)
  join alert_events e on e.id = i.event_id
  left join alert_event_transitions t on t.event_id = i.event_id and t.seq = i.seq
  left join tenants tn on tn.id = e.tenant_id`;

const INSERT_DELIVERIES_SQL = `
  insert into notification_deliveries (channel_id, event_id, seq, transition, dedupe_key, payload)
  select channel_id, event_id, seq, transition, dedupe_key, payload
  from unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::jsonb[])
    as d (channel_id, event_id, seq, transition, dedupe_key, payload)
  on conflict (dedupe_key) do nothing
  returning id::text as id`;

/**
 * Deliveries a crash left without a job (killed between the commit and the
 * enqueue) or that the web process queued (an acknowledgement: it runs no
 * pg-boss): pending, never attempted, older than a few seconds (the normal
 * path enqueues right after its commit), and recent (older ones are stale news).
 */
const UNSENT_DELIVERIES_SQL = `
  select id::text as id
  from notification_deliveries
  where status = 'pending'
    and attempts = 0
    and transition <> 'test'
    and created_at > now() - interval '1 hour'
    and created_at < now() - make_interval(secs => $1)
  order by id
  limit $2`;

/** Newest first: the channel's delivery log. */
const CHANNEL_DELIVERIES_SQL = `
  select id::text as id, channel_id::text as channel_id, event_id::text as event_id, transition, dedupe_key, status,
         attempts, last_status_code, last_error, created_at, last_attempt_at, sent_at
  from notification_deliveries
  where channel_id = $1
  order by id desc
  limit $2`;

const CHANNEL_EXISTS_SQL = `
  select 1
  from notification_channels
  where id = $1`;

/** A delivery this young may still be on its way to the queue (the normal path enqueues right after its commit). */
export const SWEEP_MIN_AGE_SECONDS = 5;
/** Deliveries re-enqueued per sweep: a backlog larger than this is taken over the next sweeps. */
const SWEEP_BATCH = 500;
export const DELIVERY_LOG_LIMIT = 50;

interface EventRow {
  event_id: string;
  seq: number;
  kind: TransitionKind;
  metric: string;
  shard_id: string;
  node_id: string | null;
  tenant_id: string | null;
  tenant_name: string | null;
  started_at: Date;
  resolved_at: Date | null;
  peak_severity: Severity;
  peak_value: number | null;
  severity: Severity;
  last_value: number | null;
  transition_severity: Severity | null;
  transition_value: number | null;
  transition_at: Date | null;
  actor: string | null;
}

function toPayloadParts(row: EventRow): { event: PayloadEvent; transition: PayloadTransition } {
  return {
    event: {
      id: row.event_id,
      metric: row.metric,
      shardId: row.shard_id,
      nodeId: row.node_id,
      tenantId: row.tenant_id,
      tenantName: row.tenant_name,
      startedAt: row.started_at.toISOString(),
      resolvedAt: row.resolved_at?.toISOString() ?? null,
      peakSeverity: row.peak_severity,
      peakValue: row.peak_value,
    },
    transition: {
      kind: row.kind,
      severity: row.transition_severity ?? row.severity,
      value: row.transition_at !== null ? row.transition_value : row.last_value,
      at: (row.transition_at ?? (row.kind === 'resolved' ? row.resolved_at : null) ?? new Date()).toISOString(),
      actor: row.actor,
    },
  };
}

export function deliveryDedupeKey(eventId: string, seq: number, channelId: string): string {
  return `${eventId}:${seq}:${channelId}`;
}

/**
 * One delivery row per transition and enabled channel (acknowledgements only
 * to channels that asked for them), in the caller's transaction: the
 * evaluation's (worker) or the acknowledgement's (web). The body is built
 * now, so every retry sends the same message. Returns the new rows' ids
 * (none for a transition already queued); enqueue them after the commit.
 */
export async function queueDeliveries(db: Queryable, items: readonly DeliveryItem[]): Promise<string[]> {
  if (items.length === 0) return [];
  const channels = (await db.query<{ id: string; kind: ChannelKind; notify_on_ack: boolean }>(ENABLED_CHANNELS_SQL)).rows;
  if (channels.length === 0) return [];
  const { rows: events } = await db.query<EventRow>(EVENTS_FOR_DELIVERY_SQL, [
    items.map((item) => item.eventId),
    items.map((item) => item.seq),
    items.map((item) => item.transition),
  ]);
  const publicUrl = getFleetEnv().SHARDSCOPE_PUBLIC_URL;
  const rows: { channelId: string; eventId: string; seq: number; transition: TransitionKind; dedupeKey: string; payload: ChannelPayload }[] = [];
  for (const row of events) {
    const { event, transition } = toPayloadParts(row);
    for (const channel of channels) {
      if (transition.kind === 'acknowledged' && !channel.notify_on_ack) continue;
      const dedupeKey = deliveryDedupeKey(event.id, row.seq, channel.id);
      rows.push({ channelId: channel.id, eventId: event.id, seq: row.seq, transition: transition.kind, dedupeKey, payload: buildChannelPayload(channel.kind, event, transition, dedupeKey, publicUrl) });
    }
  }
  if (rows.length === 0) return [];
  const inserted = await db.query<{ id: string }>(INSERT_DELIVERIES_SQL, [
    rows.map((row) => row.channelId),
    rows.map((row) => row.eventId),
    rows.map((row) => row.seq),
    rows.map((row) => row.transition),
    rows.map((row) => row.dedupeKey),
    rows.map((row) => JSON.stringify(row.payload)),
  ]);
  return inserted.rows.map((row) => row.id);
}

/** The pg-boss job id of a delivery: fixed by the delivery id, so enqueuing it again makes no second job. */
export function deliveryJobId(deliveryId: string): string {
  const hex = createHash('sha256').update(`${QUEUES.deliverNotification}\u0000${deliveryId}`).digest('hex');
  // Shaped as an RFC 4122 UUID (version 5 bits, variant 10xx) so pg-boss' uuid column takes it.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * One job per delivery. pg-boss' insert takes retryLimit, retryDelay and
 * retryBackoff from the queue (lib/jobs/queues.ts queueOptions, set by
 * ensureQueues) for every job that does not set its own, and skips ids that
 * exist (ON CONFLICT DO NOTHING).
 */
export async function enqueueDeliveryJobs(boss: PgBoss, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await boss.insert(
    deliveryIds.map((deliveryId) => ({
      id: deliveryJobId(deliveryId),
      name: QUEUES.deliverNotification,
      data: { deliveryId } satisfies DeliveryJob,
    })),
  );
}

/** Re-enqueues recent deliveries that never got a job; idempotent (same job ids). Returns how many were handed to the queue. */
export async function sweepPendingDeliveries(boss: PgBoss): Promise<number> {
  const { rows } = await getControlPool().query<{ id: string }>(UNSENT_DELIVERIES_SQL, [SWEEP_MIN_AGE_SECONDS, SWEEP_BATCH]);
  await enqueueDeliveryJobs(
    boss,
    rows.map((row) => row.id),
  );
  return rows.length;
}

interface DeliveryRow {
  id: string;
  channel_id: string;
  event_id: string | null;
  transition: DeliveryTransition;
  dedupe_key: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  sent_at: Date | null;
}

function toDelivery(row: DeliveryRow): NotificationDelivery {
  return {
    id: row.id,
    channelId: row.channel_id,
    eventId: row.event_id,
    transition: row.transition,
    dedupeKey: row.dedupe_key,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

/** A channel's delivery log, newest first; 404 for a channel that does not exist (its log went with it). */
export async function listChannelDeliveries(channelId: string, limit: number = DELIVERY_LOG_LIMIT): Promise<NotificationDelivery[]> {
  const pool = getControlPool();
  const exists = isChannelId(channelId) && (await pool.query(CHANNEL_EXISTS_SQL, [channelId])).rowCount === 1;
  if (!exists) throw new ApiError('not_found', `no notification channel ${channelId}`, 'id');
  const { rows } = await pool.query<DeliveryRow>(CHANNEL_DELIVERIES_SQL, [channelId, limit]);
  return rows.map(toDelivery);
}
