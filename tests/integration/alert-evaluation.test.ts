import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertContext, WebhookPayload } from '@/lib/alerts/alert-model';
import { evaluateShardAlerts } from '@/lib/alerts/evaluate-shard';
import { getControlPool } from '@/lib/control/db';
import { samplingSlot } from '@/lib/jobs/slots';
import { failFirst, startReceiver, type NotificationReceiver } from './notification-receiver';
import { ownControlDb } from './own-control-db';
import { connectAsApp, eventually, nodePort, withSuperuser } from './sandbox';
import { startWorker, stopWorker, type WorkerProcess } from './workers';

/**
 * Alert evaluation end to end: two real workers (sampling every 2 s, then
 * evaluating each shard's round, and sending notifications) on this file's
 * own control database, so no other file sees these alerts, against the
 * sandbox's real primaries and replicas, with a local HTTP receiver as the
 * webhook. The operator's actions (pausing replay, a session left idle in a
 * transaction) are done as at a psql prompt.
 */

const controlDb = ownControlDb('it_alert_eval');
const { withControl } = controlDb;
const JOBS_SCHEMA = 'pgboss_it_alert_eval';
const INTERVAL_S = Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S);
/** The lag rule's `for`, set small so the test takes seconds. */
const LAG_FOR_S = 2;
const LAG_WARNING_S = 1;
const IDLE_WARNING_S = 2;
/** Deadlines of the polls: generous, a busy 2-core machine delays sampling jobs; the timing itself is asserted on slot times. */
const FIRE_DEADLINE_MS = 40_000;

const TENANT_ID = randomUUID();
const TENANT_APP = `tenant:${TENANT_ID}`;
const SHARD1_PRIMARY = nodePort(1, 'primary');
const SHARD1_REPLICA = nodePort(1, 'replica');
const SHARD2_PRIMARY = nodePort(2, 'primary');
const SHARD2_REPLICA = nodePort(2, 'replica');

const WEBHOOK_PATH = '/alerts-webhook';

const workers: WorkerProcess[] = [];
let receiver: NotificationReceiver | undefined;
const appClients: pg.Client[] = [];
let writing = false;
let writer: Promise<void> | undefined;

interface EventRow {
  id: string;
  metric: string;
  target_key: string;
  node_id: string | null;
  tenant_id: string | null;
  severity: string;
  peak_severity: string;
  started_at: Date;
  resolved_at: Date | null;
  resolve_reason: string | null;
  peak_value: number | null;
  last_value: number | null;
  threshold: number | null;
  context: AlertContext | null;
}

async function eventsOf(metric: string, targetKey: string): Promise<EventRow[]> {
  return withControl(
    async (client) =>
      (
        await client.query<EventRow>(
          `select id::text as id, metric, target_key, node_id, tenant_id::text as tenant_id, severity, peak_severity, started_at, resolved_at,
                  resolve_reason, peak_value, last_value, threshold, context
           from alert_events where metric = $1 and target_key = $2 order by id`,
          [metric, targetKey],
        )
      ).rows,
  );
}

async function transitionsOf(eventId: string): Promise<{ seq: number; kind: string; severity: string; value: number | null }[]> {
  return withControl(
    async (client) => (await client.query(`select seq, kind, severity, value from alert_event_transitions where event_id = $1 order by seq`, [eventId])).rows,
  );
}

/** Evaluation rounds of a shard the worker completed since `since`, with the targets each evaluated. */
async function evaluationsOf(shardId: string, since: Date): Promise<{ at: string; targets: number }[]> {
  return withControl(async (client) => {
    const exists = await client.query(`select 1 from pg_namespace where nspname = $1`, [JOBS_SCHEMA]);
    if (!exists.rowCount) return [];
    const { rows } = await client.query<{ at: string; targets: number }>(
      `select data->>'at' as at, (output->>'targetsEvaluated')::int as targets
       from ${JOBS_SCHEMA}.job
       where name = 'evaluate-alerts' and state = 'completed' and data->>'shardId' = $1 and (data->>'at')::timestamptz >= $2
       order by 1`,
      [shardId, since],
    );
    return rows;
  });
}

/** The application writing on shard 1 every 100 ms, as its tenant: the primary's WAL moves on while replay is paused. */
async function startWriter(): Promise<void> {
  const client = await connectAsApp(SHARD1_PRIMARY, TENANT_APP);
  appClients.push(client);
  writing = true;
  writer = (async () => {
    while (writing) {
      await client.query('insert into orders (tenant_id, amount_cents) values ($1, 1)', [TENANT_ID]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
}

async function stopWriter(): Promise<void> {
  writing = false;
  await writer?.catch(() => {});
  writer = undefined;
}

const resumeReplay = () => withSuperuser(SHARD1_REPLICA, (client) => client.query('select pg_wal_replay_resume()'));

describe('alert evaluation in the worker', () => {
  beforeAll(async () => {
    await controlDb.create();
    await withControl(async (client) => {
      await client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-1')`, [TENANT_ID, `it-alerts-${TENANT_ID.slice(0, 8)}`]);
      await client.query(`update alert_rules set for_seconds = $1, warning = $2 where metric = 'replica_lag_seconds' and scope = 'fleet'`, [LAG_FOR_S, LAG_WARNING_S]);
      await client.query(`update alert_rules set warning = $1, for_seconds = 0 where metric = 'longest_idle_in_transaction_seconds' and scope = 'fleet'`, [IDLE_WARNING_S]);
    });
    // The webhook refuses its first message: the retry must still bring it, once.
    receiver = await startReceiver();
    receiver.on(WEBHOOK_PATH, failFirst(1));
    await withControl((client) =>
      client.query(`insert into notification_channels (name, kind, url) values ('it alerts webhook', 'webhook', $1)`, [`${receiver!.origin}${WEBHOOK_PATH}`]),
    );
    const env = { SHARDSCOPE_FLEET_FILE: process.env.SHARDSCOPE_FLEET_FILE!, SHARDSCOPE_JOBS_SCHEMA: JOBS_SCHEMA, SHARDSCOPE_SAMPLE_INTERVAL_S: String(INTERVAL_S) };
    workers.push(startWorker(env), startWorker(env));
    // Running: a first round evaluated.
    const since = new Date(Date.now() - 60_000);
    await eventually(async () => (await evaluationsOf('shard-2', since)).length, (rounds) => rounds > 0, 60_000);
  });

  afterAll(async () => {
    await stopWriter();
    await resumeReplay().catch(() => {});
    for (const client of appClients) await client.end().catch(() => {});
    await withSuperuser(SHARD1_PRIMARY, async (client) => {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [TENANT_APP]);
      await client.query('delete from orders where tenant_id = $1', [TENANT_ID]);
    }).catch(() => {});
    await Promise.all(
      workers.map(async (worker) => {
        // A graceful stop, or a kill if it hangs: the test process must not outlive its workers.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 20_000)));
        const outcome = await Promise.race([stopWorker(worker), timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') await stopWorker(worker, 'SIGKILL');
      }),
    );
    await receiver?.close();
    await getControlPool().end().catch(() => {});
    await controlDb.drop();
  });

  it('fires a replica lag alert with its context when replay pauses while the primary writes, and resolves after resume', async () => {
    await startWriter();
    const pausedAt = Date.now();
    await withSuperuser(SHARD1_REPLICA, (client) => client.query('select pg_wal_replay_pause()'));
    try {
      const [fired] = await eventually(() => eventsOf('replica_lag_seconds', 'node:shard-1-replica-1'), (events) => events.length > 0, FIRE_DEADLINE_MS);
      // The lag passes 1 s about a second after the pause; a sample sees it within an interval, then `for`, then the next round.
      expect(fired.started_at.getTime()).toBeLessThanOrEqual(pausedAt + LAG_WARNING_S * 1000 + 2 * INTERVAL_S * 1000 + LAG_FOR_S * 1000 + 1000);
      expect(fired).toMatchObject({ node_id: 'shard-1-replica-1', resolved_at: null, tenant_id: null });
      expect(fired.last_value).toBeGreaterThan(LAG_WARNING_S);
      const [first] = await transitionsOf(fired.id);
      expect(first).toMatchObject({ seq: 1, kind: 'fired' });
      expect(first.value).toBeGreaterThan(LAG_WARNING_S);
      // The threshold the lag crossed when it fired (10 s is the seeded critical one).
      expect(fired.threshold).toBe(first.severity === 'critical' ? 10 : LAG_WARNING_S);

      // The context snapshot lands right after the event's commit.
      const withContext = await eventually(
        async () => (await eventsOf('replica_lag_seconds', 'node:shard-1-replica-1'))[0],
        (event) => event.context !== null,
        15_000,
      );
      const context = withContext.context!;
      expect(Date.parse(context.capturedAt)).toBeGreaterThanOrEqual(fired.started_at.getTime());
      for (const part of ['topTenants', 'blockingRoots', 'idleInTransaction', 'topStatements', 'pgbouncerWaiting', 'errors'] as const) {
        expect(Array.isArray(context[part]), part).toBe(true);
      }
      // Both nodes answered (a paused replay still serves reads): no part of the snapshot is missing for a node being down.
      expect(context.errors.filter((error) => /blockingRoots|idleInTransaction/.test(error.part))).toEqual([]);
    } finally {
      await resumeReplay();
      await stopWriter();
    }

    const [resolved] = await eventually(
      () => eventsOf('replica_lag_seconds', 'node:shard-1-replica-1'),
      (events) => events.length > 0 && events.every((event) => event.resolved_at !== null),
      FIRE_DEADLINE_MS,
    );
    expect(resolved.resolve_reason).toBeNull();
    expect(resolved.peak_value).toBeGreaterThan(LAG_WARNING_S);
    const kinds = (await transitionsOf(resolved.id)).map((transition) => transition.kind);
    expect(kinds[0]).toBe('fired');
    expect(kinds.at(-1)).toBe('resolved');
    expect(kinds.filter((kind) => kind === 'fired' || kind === 'resolved')).toEqual(['fired', 'resolved']);
    // One pause, one event: no flapping while the lag grew or fell.
    expect(await eventsOf('replica_lag_seconds', 'node:shard-1-replica-1')).toHaveLength(1);

    // Exactly one message per transition reached the webhook, the refused first one by its retry.
    const accepted = (messages: readonly { body: unknown }[]) => messages.slice(1).map((message) => message.body as WebhookPayload);
    const messages = await eventually(
      async () => accepted(receiver!.received(WEBHOOK_PATH)).filter((payload) => payload.event.id === resolved.id),
      (received) => received.some((payload) => payload.transition === 'resolved') && received.some((payload) => payload.transition === 'fired'),
      FIRE_DEADLINE_MS,
    );
    expect(messages.map((payload) => payload.transition).sort()).toEqual(['fired', 'resolved']);
    expect(messages.find((payload) => payload.transition === 'fired')!.event).toMatchObject({ metric: 'replica_lag_seconds', shardId: 'shard-1', nodeId: 'shard-1-replica-1' });
    expect(messages.find((payload) => payload.transition === 'resolved')!.event.state).toBe('resolved');
    const [refused] = receiver!.received(WEBHOOK_PATH);
    expect(accepted(receiver!.received(WEBHOOK_PATH)).filter((payload) => payload.dedupeKey === (refused.body as WebhookPayload).dedupeKey)).toHaveLength(1);

    const state = await withControl(
      async (client) =>
        (await client.query(`select event_id, machine->>'phase' as phase from alert_states where metric = 'replica_lag_seconds' and target_key = 'node:shard-1-replica-1'`))
          .rows[0],
    );
    expect(state).toEqual({ event_id: null, phase: 'ok' });
  });

  it('raises no lag alert for a replica of an idle primary, however old its last replayed commit', async () => {
    // One commit, then nothing: the replica's last replayed commit only gets older from here.
    await withSuperuser(SHARD2_PRIMARY, (client) => client.query('select txid_current()'));
    await eventually(
      () => withSuperuser(SHARD2_REPLICA, async (client) => (await client.query('select pg_last_xact_replay_timestamp() as replayed')).rows[0].replayed as Date | null),
      (replayed) => replayed !== null,
    );
    const since = new Date();
    const rounds = await eventually(
      () => evaluationsOf('shard-2', since),
      (done) => done.length >= 5,
      FIRE_DEADLINE_MS,
    );
    expect(rounds.every((round) => round.targets > 0)).toBe(true);
    // A lag read as "time since the last replayed commit" would be past the warning and its `for`. Another
    // writer's stray commit on the primary (a background job) only restarts that clock: wait it out.
    await eventually(
      () =>
        withSuperuser(SHARD2_REPLICA, async (client) =>
          Number((await client.query('select extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as age')).rows[0].age),
        ),
      (replayAgeS) => replayAgeS > LAG_WARNING_S + LAG_FOR_S,
      FIRE_DEADLINE_MS,
    );
    expect(await eventsOf('replica_lag_seconds', 'node:shard-2-replica-1')).toEqual([]);
    // The evaluated samples were there and read 0 s.
    const lags = await withControl(
      async (client) =>
        (
          await client.query<{ lag: number | null }>(
            `select (v->>'replica_lag_seconds')::float8 as lag from metric_samples where kind = 'node' and node_id = 'shard-2-replica-1' and at >= $1 order by at`,
            [since],
          )
        ).rows,
    );
    expect(lags.length).toBeGreaterThanOrEqual(5);
    expect(lags.every((row) => row.lag === 0)).toBe(true);
  });

  it('fires the idle-in-transaction rule naming the tenant whose session holds a lock, and resolves when it ends', async () => {
    const session = await connectAsApp(SHARD1_PRIMARY, TENANT_APP);
    appClients.push(session);
    const targetKey = 'node:shard-1-primary';
    try {
      await session.query('insert into orders (tenant_id, amount_cents) values ($1, 1)', [TENANT_ID]);
      await session.query('begin');
      await session.query('select id from orders where tenant_id = $1 limit 1 for update', [TENANT_ID]);
      // The session now sits idle in its transaction, holding the row lock.
      const [fired] = await eventually(() => eventsOf('longest_idle_in_transaction_seconds', targetKey), (events) => events.length > 0, FIRE_DEADLINE_MS);
      expect(fired).toMatchObject({ severity: 'warning', resolved_at: null, threshold: IDLE_WARNING_S });
      expect(fired.last_value).toBeGreaterThan(IDLE_WARNING_S);

      const named = await eventually(
        async () => (await eventsOf('longest_idle_in_transaction_seconds', targetKey))[0],
        (event) => event.context !== null,
        15_000,
      );
      expect(named.tenant_id, `context: ${JSON.stringify(named.context)}`).toBe(TENANT_ID);
      expect(named.context!.idleInTransaction[0]).toMatchObject({ tenantId: TENANT_ID, nodeId: 'shard-1-primary' });
    } finally {
      await session.query('rollback').catch(() => {});
    }

    const [resolved] = await eventually(
      () => eventsOf('longest_idle_in_transaction_seconds', targetKey),
      (events) => events.length > 0 && events.every((event) => event.resolved_at !== null),
      FIRE_DEADLINE_MS,
    );
    expect(resolved.resolve_reason).toBeNull();
    expect((await transitionsOf(resolved.id)).map((transition) => transition.kind)).toEqual(['fired', 'resolved']);
  });

  it('resolves an open alert as "rule disabled" when its rule is switched off, and as "target removed" when its node leaves the fleet', async () => {
    // Overrides that fire at once on shard 2's nodes: any connection at all is "too many".
    const overrideIds = await withControl(async (client) => {
      const ids: string[] = [];
      for (const nodeId of ['shard-2-primary', 'shard-2-replica-1']) {
        const { rows } = await client.query(
          `insert into alert_rules (metric, scope, shard_id, node_id, comparator, warning, critical, for_seconds, updated_by)
           values ('connections_pct', 'node', 'shard-2', $1, '>', 0, null, 0, 'it') returning id::text as id`,
          [nodeId],
        );
        ids.push(rows[0].id);
      }
      return ids;
    });
    try {
      const firstOpen = (events: EventRow[]) => events.length > 0 && events[0].resolved_at === null;
      await eventually(() => eventsOf('connections_pct', 'node:shard-2-primary'), firstOpen, FIRE_DEADLINE_MS);
      const [replicaEvent] = await eventually(() => eventsOf('connections_pct', 'node:shard-2-replica-1'), firstOpen, FIRE_DEADLINE_MS);

      // The replica gone from the fleet file: one round of the shard without it (in this process; the workers still have it).
      const shard2 = controlDb.fleet.shards.find((shard) => shard.id === 'shard-2')!;
      const withoutReplica = { ...shard2, nodes: shard2.nodes.filter((node) => node.role === 'primary') };
      const report = await evaluateShardAlerts(withoutReplica, samplingSlot(new Date(), INTERVAL_S));
      expect(report.transitions).toContainEqual(expect.objectContaining({ eventId: replicaEvent.id, kind: 'resolved', reason: 'target removed' }));
      const [retired] = await eventsOf('connections_pct', 'node:shard-2-replica-1');
      expect(retired).toMatchObject({ id: replicaEvent.id, resolve_reason: 'target removed' });
      expect(retired.resolved_at).not.toBeNull();
      expect((await transitionsOf(replicaEvent.id)).map((transition) => transition.kind)).toEqual(['fired', 'resolved']);

      // The primary's override switched off: its open alert resolves on the next round, its state starts over.
      await withControl((client) => client.query('update alert_rules set enabled = false where id = $1', [overrideIds[0]]));
      const [disabled] = await eventually(
        () => eventsOf('connections_pct', 'node:shard-2-primary'),
        (events) => events.length > 0 && events.every((event) => event.resolved_at !== null),
        FIRE_DEADLINE_MS,
      );
      expect(disabled.resolve_reason).toBe('rule disabled');
      expect((await transitionsOf(disabled.id)).map((transition) => transition.kind)).toEqual(['fired', 'resolved']);
      const states = await withControl(
        async (client) => (await client.query(`select 1 from alert_states where metric = 'connections_pct' and target_key = 'node:shard-2-primary'`)).rowCount,
      );
      expect(states).toBe(0);
      expect(await eventsOf('connections_pct', 'node:shard-2-primary')).toHaveLength(1);
    } finally {
      await withControl((client) => client.query('delete from alert_rules where id = any($1::bigint[])', [overrideIds]));
    }
  });

  it('evaluates each shard once per slot across both workers', async () => {
    const doubled = await withControl(
      async (client) =>
        (
          await client.query(
            `select data->>'shardId' as shard_id, data->>'at' as at from ${JOBS_SCHEMA}.job where name = 'evaluate-alerts' group by 1, 2 having count(*) > 1`,
          )
        ).rows,
    );
    expect(doubled).toEqual([]);
    // Every sampled slot was evaluated (the last one or two may still be on their way).
    const unevaluated = await withControl(
      async (client) =>
        (
          await client.query(
            `select s.data->>'shardId' as shard_id, s.data->>'at' as at
             from ${JOBS_SCHEMA}.job s
             where s.name = 'sample-shard' and s.state = 'completed' and s.completed_on < now() - interval '5 seconds'
               and not exists (select 1 from ${JOBS_SCHEMA}.job e where e.name = 'evaluate-alerts' and e.data = s.data)`,
          )
        ).rows,
    );
    expect(unevaluated).toEqual([]);
  });
});
