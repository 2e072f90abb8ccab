import type pg from 'pg';
import { inTransaction, withControlClient } from '@/lib/control/db';
import { QUEUES, queueOptions } from '@/lib/jobs/queues';
import { DELIVERY_TIMEOUT_MS, type DeliveryStatus } from './alert-model';
import { urlHost, withoutSecret } from './channel-validation';

/**
 * Sending one notification: the HTTP attempt, and the pg-boss job body that
 * records it on the delivery row and the channel's health.
 *
 * The channel's URL is a secret: errors name its host, never the URL, and a
 * receiver's answer is quoted only with the URL cut out of it.
 */

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface AttemptResult {
  ok: boolean;
  /** The receiver's HTTP status; null when it never answered. */
  statusCode: number | null;
  /** What went wrong, in words naming the host; null on a 2xx. */
  error: string | null;
  durationMs: number;
}

const USER_AGENT = 'Shardscope-Notifications';

function describeRequestError(error: unknown, host: string, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer from ${host} within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string } })?.cause;
  if (cause?.code) return `could not reach ${host}: ${cause.code}`;
  return `request to ${host} failed`;
}

/**
 * One POST of `payload` as JSON, with the dedupe key as Idempotency-Key (a
 * receiver can drop a repeat) and `timeoutMs` for the whole exchange.
 * Redirects are not followed: the message goes where the admin said or
 * nowhere. Never throws.
 */
export async function postNotification(url: string, payload: unknown, dedupeKey: string, timeoutMs: number = DELIVERY_TIMEOUT_MS): Promise<AttemptResult> {
  const host = urlHost(url);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': dedupeKey, 'user-agent': USER_AGENT },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal,
    });
    if (response.ok) {
      await response.body?.cancel().catch(() => {});
      return { ok: true, statusCode: response.status, error: null, durationMs: elapsed() };
    }
    const answer = await response.text().catch(() => '');
    const excerpt = withoutSecret(answer, url);
    const error = `${host} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
    return { ok: false, statusCode: response.status, error, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeRequestError(error, host, timeoutMs), durationMs: elapsed() };
  }
}

/** A success resets the channel's failure streak; a failure adds to it (CHANNEL_FAILING_AFTER in a row flags the channel). */
const RECORD_CHANNEL_SUCCESS_SQL = `
  update notification_channels
  set consecutive_failures = 0,
      last_success_at = now()
  where id = $1`;

const RECORD_CHANNEL_FAILURE_SQL = `
  update notification_channels
  set consecutive_failures = consecutive_failures + 1,
      last_failure_at = now(),
      last_error = $2
  where id = $1`;

export async function recordChannelAttempt(db: Queryable, channelId: string, result: AttemptResult): Promise<void> {
  if (result.ok) await db.query(RECORD_CHANNEL_SUCCESS_SQL, [channelId]);
  else await db.query(RECORD_CHANNEL_FAILURE_SQL, [channelId, result.error]);
}

/**
 * The delivery and its channel, the delivery row locked for the attempt.
 * SKIP LOCKED: a second job for the same row (it should not exist, but a
 * sweep after archival could make one) finds it busy and leaves it.
 */
const LOCK_DELIVERY_SQL = `
  select d.id::text as id, d.status, d.attempts, d.dedupe_key, d.payload,
         c.id::text as channel_id, c.url, c.enabled
  from notification_deliveries d
  join notification_channels c on c.id = d.channel_id
  where d.id = $1
  for update of d skip locked`;

/** A success keeps the previous attempt's error: the log says why it took more than one attempt. */
const RECORD_ATTEMPT_SQL = `
  update notification_deliveries
  set attempts = attempts + 1,
      status = $2,
      last_status_code = $3,
      last_error = coalesce($4, last_error),
      last_attempt_at = now(),
      sent_at = case when $2 = 'sent' then now() else sent_at end
  where id = $1`;

const GIVE_UP_DISABLED_SQL = `
  update notification_deliveries
  set status = 'failed',
      last_error = 'not sent: the channel was disabled before the message went out'
  where id = $1`;

interface LockedDelivery {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  dedupe_key: string;
  payload: unknown;
  channel_id: string;
  url: string;
  enabled: boolean;
}

export interface DeliverOptions {
  /** The pg-boss job's retry count and limit (fetch with includeMetadata): the attempt with retryCount = retryLimit is the last. */
  retryCount?: number;
  retryLimit?: number;
  /** Per-request timeout; DELIVERY_TIMEOUT_MS (5 s) unless a test shortens it. */
  timeoutMs?: number;
}

export interface DeliverResult {
  status: 'sent' | 'skipped';
  statusCode?: number;
}

/** A failed attempt: thrown so that pg-boss retries the job with backoff (the delivery row already says why). */
export class DeliveryAttemptError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
    readonly final: boolean,
  ) {
    super(message);
    this.name = 'DeliveryAttemptError';
  }
}

/** Without the job's own counters: the queue allows retryLimit + 1 attempts in all. */
function isLastAttempt(attemptsAfter: number, options: DeliverOptions): boolean {
  if (options.retryCount !== undefined && options.retryLimit !== undefined && options.retryCount >= options.retryLimit) return true;
  return attemptsAfter >= queueOptions(QUEUES.deliverNotification, 1).retryLimit + 1;
}

/** The delivery transaction's statements are row reads and updates by primary key: milliseconds. */
const DELIVERY_STATEMENT_TIMEOUT_MS = 10_000;
/** Past the request's own timeout, a transaction left idle (a stalled worker) is ended by the server, releasing the row. */
const IDLE_IN_TRANSACTION_SLACK_MS = 10_000;

/**
 * The attempt's transaction, on a connection of its own rather than the
 * control pool: it stays open for the request (up to 5 s), and a few
 * deliveries to a hanging receiver must not take the pool the sampling and
 * the evaluation need.
 */
async function inDeliveryTransaction<T>(timeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withControlClient(DELIVERY_STATEMENT_TIMEOUT_MS, (connection) =>
    inTransaction(connection, async (client) => {
      await client.query(`select set_config('idle_in_transaction_session_timeout', $1, true)`, [String(timeoutMs + IDLE_IN_TRANSACTION_SLACK_MS)]);
      return work(client);
    }),
  );
}

type Outcome = { kind: 'skipped' } | { kind: 'sent'; statusCode: number } | { kind: 'failed'; result: AttemptResult; final: boolean };

/**
 * The job body of QUEUES.deliverNotification: send one delivery once.
 * Skipped when another job holds it, it is no longer pending, or its channel
 * was deleted (the row went with it) or disabled. A 2xx marks it sent; any
 * other outcome is recorded and thrown (pg-boss retries with backoff), and
 * the last attempt marks it failed. The row stays locked during the request
 * (at most `timeoutMs`), and attempt and outcome commit together, so a worker
 * killed mid-request leaves the row as it was for pg-boss' retry.
 */
export async function deliverNotification(deliveryId: string, options: DeliverOptions = {}): Promise<DeliverResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const outcome = await inDeliveryTransaction<Outcome>(timeoutMs, async (client) => {
    const delivery = (await client.query<LockedDelivery>(LOCK_DELIVERY_SQL, [deliveryId])).rows[0];
    if (!delivery || delivery.status !== 'pending') return { kind: 'skipped' };
    if (!delivery.enabled) {
      await client.query(GIVE_UP_DISABLED_SQL, [deliveryId]);
      return { kind: 'skipped' };
    }
    const result = await postNotification(delivery.url, delivery.payload, delivery.dedupe_key, timeoutMs);
    const final = !result.ok && isLastAttempt(delivery.attempts + 1, options);
    const status: DeliveryStatus = result.ok ? 'sent' : final ? 'failed' : 'pending';
    await client.query(RECORD_ATTEMPT_SQL, [deliveryId, status, result.statusCode, result.error]);
    await recordChannelAttempt(client, delivery.channel_id, result);
    return result.ok ? { kind: 'sent', statusCode: result.statusCode! } : { kind: 'failed', result, final };
  });
  if (outcome.kind === 'failed') throw new DeliveryAttemptError(outcome.result.error ?? 'delivery failed', outcome.result.statusCode, outcome.final);
  return outcome.kind === 'sent' ? { status: 'sent', statusCode: outcome.statusCode } : { status: 'skipped' };
}
