import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as ackRoute } from '@/app/api/alerts/[eventId]/ack/route';
import { GET as alertsRoute } from '@/app/api/alerts/route';
import { GET as summaryRoute } from '@/app/api/alerts/summary/route';
import { GET as historyRoute } from '@/app/api/history/route';
import type { AlertEvent } from '@/lib/alerts/alert-model';
import type { FiringSummary } from '@/lib/alerts/events-query';
import { getFleet } from '@/lib/fleet/topology';
import { sampleShard } from '@/lib/history/sample-shard';
import type { HistoryResponse } from '@/lib/history/history-types';
import { samplingSlot } from '@/lib/jobs/slots';
import { insertEvent, minutesAgo, revealingContext, type EventFixture } from './alert-event-fixtures';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { ownControlDb } from './own-control-db';

/**
 * The alert events API through the real route handlers, on a control DB of
 * this file's own (so its counts are exactly the events inserted here):
 * filters, one event by id, the header badge's counts, acknowledging (roles,
 * audit, transition, queued notification, conflicts), and the history range
 * ending at `to` that the events link to.
 */

const controlDb = ownControlDb('it_alerts_api');
const { withControl } = controlDb;

type Role = 'viewer' | 'operator' | 'admin';
const noParams = { params: Promise.resolve({}) };

function request(path: string, role: Role | null, init: { method?: string; origin?: boolean } = {}): NextRequest {
  const headers: Record<string, string> = { host: CONSOLE_HOST };
  if (role) headers.cookie = sessionCookie(role);
  if (init.method === 'POST' && init.origin !== false) headers.origin = `http://${CONSOLE_HOST}`;
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, { method: init.method ?? 'GET', headers });
}

async function listEvents(search: string, role: Role | null = 'viewer') {
  const response = await alertsRoute(request(`/api/alerts${search}`, role), noParams);
  return { status: response.status, body: await response.json() };
}

const ids = async (search: string) => ((await listEvents(search)).body.events as AlertEvent[]).map((event) => event.id);

async function acknowledge(eventId: string, role: Role, origin = true) {
  const response = await ackRoute(request(`/api/alerts/${eventId}/ack`, role, { method: 'POST', origin }), { params: Promise.resolve({ eventId }) });
  return { status: response.status, body: await response.json() };
}

async function summary(): Promise<FiringSummary> {
  return (await summaryRoute(request('/api/alerts/summary', 'viewer'), noParams)).json();
}

const tenant = { id: randomUUID(), name: 'itAlertsNoisyNeighbour' };
const statement = 'update invoices set total = $1 where tenant_id = $2';
const hours = (count: number) => minutesAgo(count * 60);
const days = (count: number) => hours(count * 24);

/** Open first then newest first: B, A, F, E; then resolved: C (2 days), H (resolved 6 days ago); G resolved 8 days ago is not recent. */
const fixtures = {
  A: {
    metric: 'replica_lag_seconds', targetKey: 'node:shard-1-replica-1', shardId: 'shard-1', nodeId: 'shard-1-replica-1',
    severity: 'critical', startedAt: minutesAgo(10), peakValue: 14.2, lastValue: 12.5, threshold: 10, laterTransitions: ['escalated'],
    context: revealingContext(tenant, { statement, url: 'http://pooler.internal:6432' }),
  },
  B: { metric: 'connections_pct', targetKey: 'node:shard-2-primary', shardId: 'shard-2', nodeId: 'shard-2-primary', severity: 'warning', startedAt: minutesAgo(5), peakValue: 84, lastValue: 83, threshold: 80 },
  E: { metric: 'disk_pct', targetKey: 'host:shard-2-primary', shardId: 'shard-2', nodeId: 'shard-2-primary', severity: 'warning', startedAt: days(9), peakValue: 85, lastValue: 85, threshold: 80 },
  F: { metric: 'tenant_limit_pct', targetKey: `tenant:${tenant.id}`, shardId: 'shard-2', tenantId: tenant.id, severity: 'warning', startedAt: minutesAgo(30), peakValue: 91, lastValue: 91, threshold: 80 },
  C: {
    metric: 'cache_hit_pct', targetKey: 'node:shard-1-primary', shardId: 'shard-1', nodeId: 'shard-1-primary', severity: 'warning', peakSeverity: 'critical',
    startedAt: days(2), resolvedAt: days(1), peakValue: 71, lastValue: 93, threshold: 80, laterTransitions: ['escalated', 'deescalated', 'resolved'],
  },
  H: { metric: 'connections_pct', targetKey: 'node:shard-1-primary', shardId: 'shard-1', nodeId: 'shard-1-primary', severity: 'warning', startedAt: days(8), resolvedAt: days(6), peakValue: 81, lastValue: 70, threshold: 80, laterTransitions: ['resolved'] },
  G: { metric: 'connections_pct', targetKey: 'node:shard-2-primary', shardId: 'shard-2', nodeId: 'shard-2-primary', severity: 'warning', startedAt: days(9), resolvedAt: days(8), peakValue: 82, lastValue: 60, threshold: 80, laterTransitions: ['resolved'] },
} satisfies Record<string, EventFixture>;

const id: Record<keyof typeof fixtures, string> = { A: '', B: '', C: '', E: '', F: '', G: '', H: '' };
/** A channel that asked for acknowledgements and one that did not. */
const channels = { onAck: '', quiet: '' };

const countRows = (sql: string, params: unknown[]) => withControl(async (client) => Number((await client.query(sql, params)).rows[0].count));
const transitions = (eventId: string) =>
  withControl(async (client) => (await client.query('select seq, kind, severity, actor from alert_event_transitions where event_id = $1 order by seq', [eventId])).rows);

beforeAll(async () => {
  await controlDb.create();
  await withControl(async (client) => {
    await client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-2')`, [tenant.id, tenant.name]);
    for (const [key, fixture] of Object.entries(fixtures)) id[key as keyof typeof fixtures] = await insertEvent(client, fixture as EventFixture);
    const insertChannel = `insert into notification_channels (name, kind, url, notify_on_ack) values ($1, 'webhook', 'http://127.0.0.1:9/hook', $2) returning id::text as id`;
    channels.onAck = (await client.query(insertChannel, ['it-on-ack', true])).rows[0].id;
    channels.quiet = (await client.query(insertChannel, ['it-quiet', false])).rows[0].id;
  });
});

afterAll(() => controlDb.drop());

describe('alert events API', () => {
  it('lists open events first, then those started or resolved in the last 7 days, newest first', async () => {
    expect(await ids('')).toEqual([id.B, id.A, id.F, id.E, id.C, id.H]);
    expect(await ids('?state=recent')).toEqual([id.B, id.A, id.F, id.E, id.C, id.H]);
    expect(await ids('?state=firing')).toEqual([id.B, id.A, id.F, id.E]);
  });

  it('filters by peak severity and by shard', async () => {
    expect(await ids('?severity=critical')).toEqual([id.A, id.C]);
    expect(await ids('?severity=warning&state=firing')).toEqual([id.B, id.F, id.E]);
    expect(await ids('?shardId=shard-1')).toEqual([id.A, id.C, id.H]);
    expect(await ids('?shardId=shard-1&severity=critical&state=firing')).toEqual([id.A]);
    expect(await ids('?shardId=shard-9')).toEqual([]);
  });

  it('answers the documented shape, with the tenant name and the context snapshot', async () => {
    const events = (await listEvents('?shardId=shard-2&state=firing')).body.events as AlertEvent[];
    const tenantEvent = events.find((event) => event.id === id.F)!;
    expect(tenantEvent).toMatchObject({ tenantId: tenant.id, tenantName: tenant.name, metric: 'tenant_limit_pct', state: 'firing', resolvedAt: null });
    const [lag] = (await listEvents(`?eventId=${id.A}`)).body.events as AlertEvent[];
    expect(Object.keys(lag).sort()).toEqual(
      [
        'id', 'ruleId', 'metric', 'shardId', 'nodeId', 'tenantId', 'tenantName', 'severity', 'currentSeverity', 'state', 'startedAt', 'resolvedAt',
        'resolveReason', 'peakValue', 'lastValue', 'threshold', 'acknowledgedBy', 'acknowledgedAt', 'context',
      ].sort(),
    );
    expect(lag).toMatchObject({ severity: 'critical', currentSeverity: 'critical', peakValue: 14.2, lastValue: 12.5, threshold: 10, acknowledgedBy: null });
    expect(lag.startedAt).toBe(fixtures.A.startedAt.toISOString());
    expect(lag.context?.blockingRoots[0]).toMatchObject({ pid: 4242, tenantName: tenant.name, blockedCount: 3, query: statement });
    const [cache] = (await listEvents(`?eventId=${id.C}`)).body.events as AlertEvent[];
    expect(cache).toMatchObject({ state: 'resolved', severity: 'critical', currentSeverity: 'warning', resolveReason: 'back below the threshold' });
  });

  it('fetches one event by id whatever its age (the notification link), and 404s an unknown one', async () => {
    expect(await ids(`?eventId=${id.G}`)).toEqual([id.G]);
    const unknown = await listEvents('?eventId=999999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('eventId');
  });

  it('answers 400 naming the field for a bad state, severity, shard id or event id, and 401 without a session', async () => {
    for (const [search, field] of [
      ['?state=open', 'state'],
      ['?severity=info', 'severity'],
      ['?shardId=Shard%201', 'shardId'],
      ['?shardId=shard-1;drop', 'shardId'],
      ['?eventId=12a', 'eventId'],
    ] as const) {
      const { status, body } = await listEvents(search);
      expect(status, search).toBe(400);
      expect(body.error.field, search).toBe(field);
    }
    expect((await listEvents('', null)).status).toBe(401);
    expect((await summaryRoute(request('/api/alerts/summary', null), noParams)).status).toBe(401);
  });

  it('counts open events by current severity for the header badge', async () => {
    expect(await summary()).toEqual({ firing: 4, critical: 1, warning: 3, unacknowledged: 4 });
  });

  it('refuses to let a viewer acknowledge, and changes nothing', async () => {
    const before = await transitions(id.A);
    const refused = await acknowledge(id.A, 'viewer');
    expect(refused.status).toBe(403);
    const noOrigin = await acknowledge(id.A, 'operator', false);
    expect(noOrigin.status).toBe(403);
    const [event] = (await listEvents(`?eventId=${id.A}`)).body.events as AlertEvent[];
    expect(event).toMatchObject({ acknowledgedBy: null, acknowledgedAt: null });
    expect(await transitions(id.A)).toEqual(before);
    expect(await countRows(`select count(*) from audit_log where action = 'alert.acknowledge'`, [])).toBe(0);
    expect(await countRows('select count(*) from notification_deliveries where event_id = $1', [id.A])).toBe(0);
  });

  it('acknowledges as an operator: the event, a numbered transition, a queued notification and an audit row, in one go', async () => {
    const before = Date.now();
    const { status, body } = await acknowledge(id.A, 'operator');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: id.A, acknowledgedBy: 'it-operator', state: 'firing' });
    expect(Date.parse(body.acknowledgedAt)).toBeGreaterThanOrEqual(before - 1000);

    // fired (1), escalated (2), then the acknowledgement as 3, at the event's current severity.
    expect((await transitions(id.A)).at(-1)).toEqual({ seq: 3, kind: 'acknowledged', severity: 'critical', actor: 'it-operator' });
    const deliveries = await withControl(
      async (client) =>
        (await client.query('select channel_id::text as channel_id, seq, transition, dedupe_key, status from notification_deliveries where event_id = $1', [id.A])).rows,
    );
    expect(deliveries).toEqual([{ channel_id: channels.onAck, seq: 3, transition: 'acknowledged', dedupe_key: `${id.A}:3:${channels.onAck}`, status: 'pending' }]);
    const audit = await withControl(async (client) => (await client.query(`select actor, actor_role, target, result from audit_log where action = 'alert.acknowledge'`)).rows);
    expect(audit).toEqual([{ actor: 'it-operator', actor_role: 'operator', target: `alert_event:${id.A}`, result: 'ok' }]);
    expect(await summary()).toEqual({ firing: 4, critical: 1, warning: 3, unacknowledged: 3 });
  });

  it('answers 409 naming who acknowledged first, and changes nothing', async () => {
    const before = await transitions(id.A);
    const second = await acknowledge(id.A, 'admin');
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already acknowledged by it-operator/);
    expect(await transitions(id.A)).toEqual(before);
    expect(await countRows(`select count(*) from audit_log where action = 'alert.acknowledge'`, [])).toBe(1);
  });

  it('answers 404 for an unknown event and 400 for an id that is not a number', async () => {
    const unknown = await acknowledge('999999999', 'operator');
    expect(unknown.status).toBe(404);
    const bad = await acknowledge('abc', 'operator');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('eventId');
  });

  it('lets an operator acknowledge a resolved event after the fact', async () => {
    const { status, body } = await acknowledge(id.C, 'admin');
    expect(status).toBe(200);
    expect(body).toMatchObject({ state: 'resolved', acknowledgedBy: 'it-admin' });
    // fired, escalated, deescalated, resolved: the acknowledgement is 5.
    expect((await transitions(id.C)).at(-1)).toMatchObject({ seq: 5, kind: 'acknowledged', severity: 'warning' });
  });
});

describe('the history range around an event (GET /api/history?to=)', () => {
  const history = async (search: string) => {
    const response = await historyRoute(request(`/api/history?${search}`, 'viewer'), noParams);
    return { status: response.status, body: (await response.json()) as HistoryResponse & { error?: { field?: string } } };
  };
  const interval = Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S);
  const lastValueAt = (body: HistoryResponse) =>
    body.series.flatMap((series) => series.points.filter((point) => point.value !== null).map((point) => Date.parse(point.at))).reduce((a, b) => Math.max(a, b), 0);

  beforeAll(async () => {
    // One round recorded 20 minutes ago and one now: a range ending 15 minutes ago holds the first only.
    const shard = getFleet().shards[0];
    await sampleShard(shard, samplingSlot(minutesAgo(20), interval), 'it-alerts');
    await sampleShard(shard, samplingSlot(new Date(), interval), 'it-alerts');
  });

  it('ends the range at `to` instead of now', async () => {
    const to = minutesAgo(15);
    const ended = await history(`metric=connections_pct&range=1h&shardId=shard-1&to=${to.toISOString()}`);
    expect(ended.status).toBe(200);
    expect(ended.body.to).toBe(to.toISOString());
    expect(Date.parse(ended.body.from)).toBeLessThanOrEqual(to.getTime() - 3600_000);
    const last = lastValueAt(ended.body);
    expect(last).toBeGreaterThan(minutesAgo(21).getTime());
    expect(last).toBeLessThanOrEqual(to.getTime());

    const live = await history('metric=connections_pct&range=1h&shardId=shard-1');
    expect(lastValueAt(live.body)).toBeGreaterThan(minutesAgo(2).getTime());
  });

  it('answers 400 naming `to` for a time far in the future, older than the kept history, or not a time', async () => {
    for (const to of [new Date(Date.now() + 10 * 60_000).toISOString(), '2001-01-01T00:00:00Z', 'yesterday', '2026-01-01T00:00:00']) {
      const { status, body } = await history(`metric=connections_pct&range=1h&to=${encodeURIComponent(to)}`);
      expect(status, to).toBe(400);
      expect(body.error?.field, to).toBe('to');
    }
  });
});
