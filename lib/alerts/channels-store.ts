import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import { CHANNEL_FAILING_AFTER, type ChannelKind, type NotificationChannel } from './alert-model';
import { checkChannelUpdate, isChannelId, urlHost, type ChannelCreateBody, type ChannelUpdateBody } from './channel-validation';
import { postNotification, recordChannelAttempt, type AttemptResult } from './delivery-send';
import { buildTestPayload } from './notification-payloads';

/**
 * Notification channels (admin): list, create, edit, delete and "send test".
 * The URL is read here and by the sender only: every answer carries its host,
 * and so does every audit row.
 */

const CHANNEL_COLUMNS = `
  id::text as id, name, kind, url, enabled, notify_on_ack, consecutive_failures,
  last_success_at, last_failure_at, last_error, updated_at`;

const LIST_CHANNELS_SQL = `
  select ${CHANNEL_COLUMNS}
  from notification_channels
  order by name`;

const LOCK_CHANNEL_SQL = `
  select ${CHANNEL_COLUMNS}
  from notification_channels
  where id = $1
  for update`;

const SELECT_CHANNEL_SQL = `
  select ${CHANNEL_COLUMNS}
  from notification_channels
  where id = $1`;

const INSERT_CHANNEL_SQL = `
  insert into notification_channels (name, kind, url, enabled, notify_on_ack, updated_by)
  values ($1, $2, $3, $4, $5, $6)
  returning ${CHANNEL_COLUMNS}`;

/** A new URL is a new destination: its predecessor's failure streak says nothing about it. */
const UPDATE_CHANNEL_SQL = `
  update notification_channels
  set name = $2,
      kind = $3,
      url = $4,
      enabled = $5,
      notify_on_ack = $6,
      consecutive_failures = case when $7 then 0 else consecutive_failures end,
      last_error = case when $7 then null else last_error end,
      updated_at = now(),
      updated_by = $8
  where id = $1
  returning ${CHANNEL_COLUMNS}`;

const DELETE_CHANNEL_SQL = `
  delete from notification_channels
  where id = $1`;

/** The test message's log row, complete: it was sent before this transaction. */
const INSERT_TEST_DELIVERY_SQL = `
  insert into notification_deliveries
    (channel_id, transition, dedupe_key, payload, status, attempts, last_status_code, last_error, last_attempt_at, sent_at)
  values ($1, 'test', $2, $3, $4, 1, $5, $6, now(), case when $4 = 'sent' then now() end)`;

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const NAME_CONSTRAINT = 'notification_channels_name_key';

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  url: string;
  enabled: boolean;
  notify_on_ack: boolean;
  consecutive_failures: number;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_error: string | null;
  updated_at: Date;
}

export function toChannel(row: ChannelRow): NotificationChannel {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    urlHost: urlHost(row.url),
    enabled: row.enabled,
    notifyOnAck: row.notify_on_ack,
    failing: row.consecutive_failures >= CHANNEL_FAILING_AFTER,
    consecutiveFailures: row.consecutive_failures,
    lastSuccessAt: row.last_success_at?.toISOString() ?? null,
    lastFailureAt: row.last_failure_at?.toISOString() ?? null,
    lastError: row.last_error,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What the audit log keeps of a channel: its settings with the host standing for the URL. */
function auditView(channel: NotificationChannel) {
  return { name: channel.name, kind: channel.kind, urlHost: channel.urlHost, enabled: channel.enabled, notifyOnAck: channel.notifyOnAck };
}

function noSuchChannel(id: string): ApiError {
  return new ApiError('not_found', `no notification channel ${id}`, 'id');
}

function requireChannelId(id: string): string {
  if (!isChannelId(id)) throw noSuchChannel(id);
  return id;
}

function isUniqueName(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === UNIQUE_VIOLATION && constraint === NAME_CONSTRAINT;
}

function nameTaken(name: string): ApiError {
  return new ApiError('conflict', `name: a channel named "${name}" already exists`, 'name');
}

async function lockChannel(client: pg.PoolClient, id: string): Promise<ChannelRow> {
  const row = (await client.query<ChannelRow>(LOCK_CHANNEL_SQL, [requireChannelId(id)])).rows[0];
  if (!row) throw noSuchChannel(id);
  return row;
}

export async function listChannels(): Promise<NotificationChannel[]> {
  const { rows } = await getControlPool().query<ChannelRow>(LIST_CHANNELS_SQL);
  return rows.map(toChannel);
}

export async function createChannel(body: ChannelCreateBody, actor: Session): Promise<NotificationChannel> {
  try {
    return await withControlTransaction(async (client) => {
      const { rows } = await client.query<ChannelRow>(INSERT_CHANNEL_SQL, [body.name, body.kind, body.url, body.enabled, body.notifyOnAck ?? false, actor.user]);
      const channel = toChannel(rows[0]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'notification_channel.create',
        target: `notification channel ${channel.id} (${channel.name})`,
        result: 'ok',
        detail: { after: auditView(channel) },
      });
      return channel;
    });
  } catch (error) {
    throw isUniqueName(error) ? nameTaken(body.name) : error;
  }
}

export async function updateChannel(id: string, body: ChannelUpdateBody, actor: Session): Promise<NotificationChannel> {
  try {
    return await withControlTransaction(async (client) => {
      const saved = await lockChannel(client, id);
      const problem = checkChannelUpdate({ kind: saved.kind, url: saved.url }, body);
      if (problem) throw new ApiError('bad_request', `${problem.field}: ${problem.message}`, problem.field);
      const urlChanged = body.url !== undefined && body.url !== saved.url;
      const { rows } = await client.query<ChannelRow>(UPDATE_CHANNEL_SQL, [
        saved.id,
        body.name ?? saved.name,
        body.kind ?? saved.kind,
        body.url ?? saved.url,
        body.enabled ?? saved.enabled,
        body.notifyOnAck ?? saved.notify_on_ack,
        urlChanged,
        actor.user,
      ]);
      const before = toChannel(saved);
      const after = toChannel(rows[0]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'notification_channel.update',
        target: `notification channel ${after.id} (${after.name})`,
        result: 'ok',
        detail: { before: auditView(before), after: auditView(after), urlChanged },
      });
      return after;
    });
  } catch (error) {
    throw isUniqueName(error) ? nameTaken(body.name ?? '') : error;
  }
}

/** Deletes the channel and its delivery log (pending messages to it are dropped with it). */
export async function deleteChannel(id: string, actor: Session): Promise<{ deleted: NotificationChannel }> {
  return withControlTransaction(async (client) => {
    const deleted = toChannel(await lockChannel(client, id));
    await client.query(DELETE_CHANNEL_SQL, [deleted.id]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'notification_channel.delete',
      target: `notification channel ${deleted.id} (${deleted.name})`,
      result: 'ok',
      detail: { before: auditView(deleted) },
    });
    return { deleted };
  });
}

export type ChannelTestResult = Pick<AttemptResult, 'ok' | 'statusCode' | 'error' | 'durationMs'>;

/**
 * "Send test": one message now, from this process (5 s at most), then its log
 * row, the channel's health and the audit row in one transaction. The request
 * goes out before the transaction so that no row is locked while it waits.
 */
export async function sendTestMessage(id: string, actor: Session, timeoutMs?: number): Promise<ChannelTestResult> {
  const row = (await getControlPool().query<ChannelRow>(SELECT_CHANNEL_SQL, [requireChannelId(id)])).rows[0];
  if (!row) throw noSuchChannel(id);
  const dedupeKey = `test:${randomUUID()}`;
  const payload = buildTestPayload(row.kind, dedupeKey, getFleetEnv().SHARDSCOPE_PUBLIC_URL, new Date());
  const result = await postNotification(row.url, payload, dedupeKey, timeoutMs);
  try {
    await withControlTransaction(async (client) => {
      await client.query(INSERT_TEST_DELIVERY_SQL, [row.id, dedupeKey, JSON.stringify(payload), result.ok ? 'sent' : 'failed', result.statusCode, result.error]);
      await recordChannelAttempt(client, row.id, result);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'notification_channel.test',
        target: `notification channel ${row.id} (${row.name})`,
        result: result.ok ? 'ok' : 'failed',
        detail: { urlHost: urlHost(row.url), statusCode: result.statusCode, error: result.error, durationMs: result.durationMs },
      });
    });
  } catch (error) {
    // Deleted while the test was on its way: nothing left to log it against.
    if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw noSuchChannel(id);
    throw error;
  }
  return { ok: result.ok, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs };
}
