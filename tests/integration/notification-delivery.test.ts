import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listChannels } from '@/lib/alerts/channels-store';
import { deliverNotification, deliveryJobId, enqueueDeliveryJobs, listChannelDeliveries, queueDeliveries, sweepPendingDeliveries } from '@/lib/alerts/deliveries';
import { DeliveryAttemptError } from '@/lib/alerts/delivery-send';
import type { TransitionKind, WebhookPayload } from '@/lib/alerts/alert-model';
import { getFleetEnv } from '@/lib/env';
import { createBoss, ensureQueues } from '@/lib/jobs/boss';
import { deliveryJobSchema, QUEUES } from '@/lib/jobs/queues';
import { answer, failFirst, hang, startReceiver, type NotificationReceiver } from './notification-receiver';
import { ownControlDb } from './own-control-db';
import { eventually } from './sandbox';

/**
 * Notification delivery end to end on this file's own control database:
 * deliveries queued for an event's transitions, pg-boss jobs worked by two
 * consumers (two boss instances, as two workers would run them) calling the
 * real job body, and a local HTTP receiver playing the webhook and Slack
 * endpoints.
 */

const controlDb = ownControlDb('it_notify_delivery');
const { fleet, withControl } = controlDb;
const JOBS_SCHEMA = 'pgboss_it_notify';
/** The tests' per-request timeout, so a hanging receiver costs under a second (the default stays DELIVERY_TIMEOUT_MS). */
const TEST_TIMEOUT_MS = 800;

let receiver: NotificationReceiver;
const consumers: PgBoss[] = [];

async function startConsumer(): Promise<PgBoss> {
  const boss = createBoss(fleet.control.url, { ...getFleetEnv(), SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA });
  boss.on('error', () => {});
  await boss.start();
  if (consumers.length === 0) await ensureQueues(boss, getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S);
  await boss.work(QUEUES.deliverNotification, { pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
    const { deliveryId } = deliveryJobSchema.parse(job.data);
    return deliverNotification(deliveryId, { retryCount: job.retryCount, retryLimit: job.retryLimit, timeoutMs: TEST_TIMEOUT_MS });
  });
  consumers.push(boss);
  return boss;
}

/** Disables every channel, then adds these (enabled): each test's messages go only where it says. */
async function onlyChannels(channels: { name: string; kind: 'webhook' | 'slack'; path: string; enabled?: boolean; notifyOnAck?: boolean }[]): Promise<string[]> {
  return withControl(async (client) => {
    await client.query('update notification_channels set enabled = false');
    const ids: string[] = [];
    for (const channel of channels) {
      const { rows } = await client.query(
        `insert into notification_channels (name, kind, url, enabled, notify_on_ack) values ($1, $2, $3, $4, $5) returning id::text as id`,
        [channel.name, channel.kind, `${receiver.origin}${channel.path}`, channel.enabled ?? true, channel.notifyOnAck ?? false],
      );
      ids.push(rows[0].id);
    }
    return ids;
  });
}

let targetCounter = 0;

/** A critical replica lag event that fired at 12.3 s, with its 'fired' transition (seq 1). */
async function firedEvent(client: pg.Client): Promise<string> {
  targetCounter += 1;
  const { rows } = await client.query(
    `insert into alert_events (metric, target_key, shard_id, node_id, severity, peak_severity, started_at, peak_value, last_value, threshold)
     values ('replica_lag_seconds', $1, 'shard-1', 'shard-1-replica-1', 'critical', 'critical', now(), 12.3, 12.3, 10)
     returning id::text as id`,
    [`node:test-${targetCounter}`],
  );
  await client.query(`insert into alert_event_transitions (event_id, seq, kind, severity, value, at) values ($1, 1, 'fired', 'critical', 12.3, now())`, [rows[0].id]);
  return rows[0].id;
}

/** queueDeliveries in a transaction of its own, as the evaluation calls it inside its own. */
async function queueInTransaction(items: { eventId: string; seq: number; transition: TransitionKind }[]): Promise<string[]> {
  return withControl(async (client) => {
    await client.query('begin');
    const ids = await queueDeliveries(client, items);
    await client.query('commit');
    return ids;
  });
}

interface DeliveryState {
  id: string;
  channel_id: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  dedupe_key: string;
  sent_at: Date | null;
}

async function deliveryStates(ids: readonly string[]): Promise<DeliveryState[]> {
  return withControl(
    async (client) =>
      (
        await client.query(
          `select id::text as id, channel_id::text as channel_id, status, attempts, last_status_code, last_error, dedupe_key, sent_at
           from notification_deliveries where id = any($1::bigint[]) order by id`,
          [ids],
        )
      ).rows,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notification delivery', () => {
  beforeAll(async () => {
    await controlDb.create();
    receiver = await startReceiver();
    await startConsumer();
    await startConsumer();
  });

  afterAll(async () => {
    for (const boss of consumers) await boss.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => {});
    await receiver?.close();
    await controlDb.drop();
  });

  it('sends one message per transition and channel with two consumers and every enqueue doubled', async () => {
    receiver.on('/a/webhook', answer(200));
    receiver.on('/a/slack', answer(204));
    receiver.on('/a/acks', answer(200));
    receiver.on('/a/disabled', answer(200));
    const [webhookId, slackId, acksId] = await onlyChannels([
      { name: 'a webhook', kind: 'webhook', path: '/a/webhook' },
      { name: 'a slack', kind: 'slack', path: '/a/slack' },
      { name: 'a acks', kind: 'webhook', path: '/a/acks', notifyOnAck: true },
      { name: 'a disabled', kind: 'webhook', path: '/a/disabled', enabled: false },
    ]);
    const eventId = await withControl(async (client) => {
      const id = await firedEvent(client);
      await client.query(`insert into alert_event_transitions (event_id, seq, kind, severity, value, at, actor) values ($1, 2, 'acknowledged', 'critical', 12.3, now(), 'alice')`, [id]);
      return id;
    });
    const items = [
      { eventId, seq: 1, transition: 'fired' as const },
      { eventId, seq: 2, transition: 'acknowledged' as const },
    ];
    const ids = await queueInTransaction(items);
    expect(ids).toHaveLength(4);
    // A retried evaluation queues nothing new.
    expect(await queueInTransaction(items)).toEqual([]);

    const [first, second] = consumers;
    await Promise.all([enqueueDeliveryJobs(first, ids), enqueueDeliveryJobs(second, ids)]);
    await enqueueDeliveryJobs(second, ids);

    await eventually(
      () => deliveryStates(ids),
      (states) => states.every((state) => state.status === 'sent'),
      20_000,
    );
    // Time for a duplicate to show up, were there one.
    await sleep(1500);
    expect(receiver.received('/a/webhook')).toHaveLength(1);
    expect(receiver.received('/a/slack')).toHaveLength(1);
    expect(receiver.received('/a/acks')).toHaveLength(2);
    expect(receiver.received('/a/disabled')).toHaveLength(0);

    const [webhook] = receiver.received('/a/webhook');
    const dedupeKey = `${eventId}:1:${webhookId}`;
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(webhook.headers['idempotency-key']).toBe(dedupeKey);
    const body = webhook.body as WebhookPayload;
    expect(body).toMatchObject({
      event: { id: eventId, state: 'firing', severity: 'critical', metric: 'replica_lag_seconds', shardId: 'shard-1', nodeId: 'shard-1-replica-1', tenantId: null, resolvedAt: null, value: 12.3 },
      transition: 'fired',
      dedupeKey,
      console: `${getFleetEnv().SHARDSCOPE_PUBLIC_URL.replace(/\/$/, '')}/alerts?event=${eventId}`,
    });
    expect(Date.parse(body.event.startedAt)).not.toBeNaN();

    const [slack] = receiver.received('/a/slack');
    expect(slack.headers['idempotency-key']).toBe(`${eventId}:1:${slackId}`);
    expect((slack.body as { text: string }).text).toMatch(/^:red_circle: CRITICAL Replica lag 12\.3 s on shard-1 \/ shard-1-replica-1 — firing since \d\d:\d\d UTC <.*\/alerts\?event=\d+\|open in Shardscope>$/);

    const acks = receiver.received('/a/acks').map((message) => message.body as WebhookPayload);
    expect(acks.map((message) => message.transition).sort()).toEqual(['acknowledged', 'fired']);
    expect(acks.map((message) => message.dedupeKey).sort()).toEqual([`${eventId}:1:${acksId}`, `${eventId}:2:${acksId}`]);

    const states = await deliveryStates(ids);
    for (const state of states) expect(state).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(states.find((state) => state.channel_id === slackId)!.last_status_code).toBe(204);

    // One pg-boss job per delivery, carrying the queue's retry options.
    const jobs = await withControl(
      async (client) =>
        (
          await client.query(`select id::text as id, retry_limit, retry_delay, retry_backoff, state from ${JOBS_SCHEMA}.job where name = $1 and data->>'deliveryId' = any($2::text[])`, [
            QUEUES.deliverNotification,
            ids,
          ])
        ).rows,
    );
    expect(jobs.map((job) => job.id).sort()).toEqual(ids.map(deliveryJobId).sort());
    for (const job of jobs) expect(job).toMatchObject({ retry_limit: 6, retry_delay: 2, retry_backoff: true, state: 'completed' });

    // A job run again (a sweep after archival) finds the message sent.
    expect(await deliverNotification(ids[0])).toEqual({ status: 'skipped' });
    expect(receiver.messages.filter((message) => message.path.startsWith('/a/'))).toHaveLength(4);
  });

  it('retries after a 500 with backoff and delivers the same message once it is accepted', async () => {
    receiver.on('/b/flaky', failFirst(1));
    const [channelId] = await onlyChannels([{ name: 'b flaky', kind: 'webhook', path: '/b/flaky' }]);
    const eventId = await withControl(firedEvent);
    const ids = await queueInTransaction([{ eventId, seq: 1, transition: 'fired' }]);
    expect(ids).toHaveLength(1);
    await enqueueDeliveryJobs(consumers[0], ids);

    const [state] = await eventually(
      () => deliveryStates(ids),
      ([delivery]) => delivery.status === 'sent',
      30_000,
    );
    expect(state).toMatchObject({ attempts: 2, last_status_code: 200 });
    expect(state.last_error).toBe(`${receiver.host} answered 500 Internal Server Error: receiver says no (…)`);
    const messages = receiver.received('/b/flaky');
    expect(messages).toHaveLength(2);
    expect(messages[1].body).toEqual(messages[0].body);
    expect(messages[1].headers['idempotency-key']).toBe(`${eventId}:1:${channelId}`);
    // pg-boss' backoff: at least retryDelay (2 s) before the second attempt.
    expect(messages[1].at - messages[0].at).toBeGreaterThanOrEqual(1900);

    const [logged] = await listChannelDeliveries(channelId);
    expect(logged).toMatchObject({ id: ids[0], transition: 'fired', status: 'sent', attempts: 2, lastStatusCode: 200 });
    const channel = (await listChannels()).find((candidate) => candidate.id === channelId)!;
    expect(channel).toMatchObject({ consecutiveFailures: 0, failing: false });
    expect(channel.lastSuccessAt).not.toBeNull();
    expect(channel.lastFailureAt).not.toBeNull();
  });

  it('times an attempt out when the receiver never answers, and stops once the channel is disabled', async () => {
    receiver.on('/c/hang', hang);
    const [channelId] = await onlyChannels([{ name: 'c hang', kind: 'webhook', path: '/c/hang' }]);
    const eventId = await withControl(firedEvent);
    const ids = await queueInTransaction([{ eventId, seq: 1, transition: 'fired' }]);
    await enqueueDeliveryJobs(consumers[1], ids);

    const [state] = await eventually(
      () => deliveryStates(ids),
      ([delivery]) => delivery.attempts >= 1,
      15_000,
    );
    expect(state).toMatchObject({ status: 'pending', last_status_code: null, last_error: `no answer from ${receiver.host} within 0.8 s` });
    expect(receiver.received('/c/hang').length).toBeGreaterThanOrEqual(1);
    expect((await listChannels()).find((candidate) => candidate.id === channelId)!.consecutiveFailures).toBeGreaterThanOrEqual(1);

    await withControl((client) => client.query('update notification_channels set enabled = false where id = $1', [channelId]));
    const [given] = await eventually(
      () => deliveryStates(ids),
      ([delivery]) => delivery.status !== 'pending',
      20_000,
    );
    expect(given.status).toBe('failed');
    expect(given.last_error).toMatch(/channel was disabled/);
  });

  it('marks the last allowed attempt failed and flags a channel that keeps failing', async () => {
    receiver.on('/d/refuse', answer(503));
    const [channelId] = await onlyChannels([{ name: 'd refuse', kind: 'webhook', path: '/d/refuse' }]);
    const eventIds = await withControl(async (client) => [await firedEvent(client), await firedEvent(client)]);
    const [viaJobCounters, viaAttempts] = await queueInTransaction(eventIds.map((eventId) => ({ eventId, seq: 1, transition: 'fired' as const })));

    for (const retryCount of [0, 1]) {
      const error = await deliverNotification(viaJobCounters, { retryCount, retryLimit: 6 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeliveryAttemptError);
      expect(error).toMatchObject({ final: false, statusCode: 503 });
    }
    expect((await deliveryStates([viaJobCounters]))[0]).toMatchObject({ status: 'pending', attempts: 2 });
    const last = await deliverNotification(viaJobCounters, { retryCount: 6, retryLimit: 6 }).catch((caught: unknown) => caught);
    expect(last).toMatchObject({ final: true });
    expect((await deliveryStates([viaJobCounters]))[0]).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503 });
    expect((await listChannels()).find((candidate) => candidate.id === channelId)).toMatchObject({ consecutiveFailures: 3, failing: true });

    // Without the job's counters, the attempts recorded on the row decide: the queue allows retryLimit + 1 (7).
    await withControl((client) => client.query('update notification_deliveries set attempts = 6 where id = $1', [viaAttempts]));
    await expect(deliverNotification(viaAttempts)).rejects.toMatchObject({ final: true });
    expect((await deliveryStates([viaAttempts]))[0]).toMatchObject({ status: 'failed', attempts: 7 });
    expect(receiver.received('/d/refuse')).toHaveLength(4);
    // Neither failure is tried again.
    expect(await deliverNotification(viaJobCounters)).toEqual({ status: 'skipped' });
    expect(receiver.received('/d/refuse')).toHaveLength(4);
  });

  it('sweeps deliveries left without a job exactly once, leaving fresh ones to their own enqueue', async () => {
    receiver.on('/e/swept', answer(200));
    await onlyChannels([{ name: 'e swept', kind: 'webhook', path: '/e/swept' }]);
    const [orphanEvent, freshEvent] = await withControl(async (client) => [await firedEvent(client), await firedEvent(client)]);
    const [orphan] = await queueInTransaction([{ eventId: orphanEvent, seq: 1, transition: 'fired' }]);
    // A worker killed between the commit and the enqueue, 10 s ago.
    await withControl((client) => client.query(`update notification_deliveries set created_at = now() - interval '10 seconds' where id = $1`, [orphan]));
    const [fresh] = await queueInTransaction([{ eventId: freshEvent, seq: 1, transition: 'fired' }]);

    // Only the orphan: the fresh one is young, the earlier tests' deliveries were attempted.
    expect(await sweepPendingDeliveries(consumers[0])).toBe(1);
    // A second worker sweeping meanwhile finds the orphan again (or already sent): one job either way.
    expect(await sweepPendingDeliveries(consumers[1])).toBeLessThanOrEqual(1);
    await eventually(
      () => deliveryStates([orphan]),
      ([delivery]) => delivery.status === 'sent',
      15_000,
    );
    await sweepPendingDeliveries(consumers[0]);
    await sleep(1500);
    expect(receiver.received('/e/swept')).toHaveLength(1);
    expect((await deliveryStates([fresh]))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const freshJobs = await withControl(
      async (client) => (await client.query(`select count(*)::int as jobs from ${JOBS_SCHEMA}.job where name = $1 and id = $2`, [QUEUES.deliverNotification, deliveryJobId(fresh)])).rows[0].jobs,
    );
    expect(freshJobs).toBe(0);
  });
});
