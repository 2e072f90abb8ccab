import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as deliveriesRoute } from '@/app/api/notification-channels/[id]/deliveries/route';
import { DELETE as deleteRoute, PUT as putRoute } from '@/app/api/notification-channels/[id]/route';
import { POST as testRoute } from '@/app/api/notification-channels/[id]/test/route';
import { GET as listRoute, POST as postRoute } from '@/app/api/notification-channels/route';
import type { NotificationChannel, NotificationDelivery } from '@/lib/alerts/alert-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { answer, hang, startReceiver, type NotificationReceiver } from './notification-receiver';
import { ownControlDb } from './own-control-db';

/**
 * Notification channels through the real route handlers, on a control
 * database of this file's own: admin only, bad input refused by field with
 * nothing written, the URL never in an answer (the host only), every change
 * audited without the URL, and "Send test" reaching a local receiver.
 */

const controlDb = ownControlDb('it_notify_api');
const { withControl } = controlDb;

type Role = 'viewer' | 'operator' | 'admin';

/** The part of every URL that is the secret: it must never come back. */
const SECRET = `s3cr3t-${randomUUID()}`;

function request(urlPath: string, role: Role, method = 'GET', body?: unknown): NextRequest {
  const headers: Record<string, string> = { host: CONSOLE_HOST, cookie: sessionCookie(role) };
  if (method !== 'GET') headers.origin = `http://${CONSOLE_HOST}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new NextRequest(`http://${CONSOLE_HOST}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

interface Answer {
  status: number;
  text: string;
  body: any;
}

async function call(response: Promise<Response>): Promise<Answer> {
  const resolved = await response;
  const text = await resolved.text();
  return { status: resolved.status, text, body: text ? JSON.parse(text) : null };
}

const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
const list = (role: Role = 'admin') => call(listRoute(request('/api/notification-channels', role), { params: Promise.resolve({}) }));
const create = (body: unknown, role: Role = 'admin') => call(postRoute(request('/api/notification-channels', role, 'POST', body), { params: Promise.resolve({}) }));
const update = (id: string, body: unknown, role: Role = 'admin') => call(putRoute(request(`/api/notification-channels/${id}`, role, 'PUT', body), idParams(id)));
const remove = (id: string, role: Role = 'admin') => call(deleteRoute(request(`/api/notification-channels/${id}`, role, 'DELETE'), idParams(id)));
const sendTest = (id: string, role: Role = 'admin') => call(testRoute(request(`/api/notification-channels/${id}/test`, role, 'POST'), idParams(id)));
const deliveries = (id: string, role: Role = 'admin') => call(deliveriesRoute(request(`/api/notification-channels/${id}/deliveries`, role), idParams(id)));

async function channelRows(): Promise<{ id: string; name: string; kind: string; url: string; enabled: boolean }[]> {
  return withControl(async (client) => (await client.query('select id::text as id, name, kind, url, enabled from notification_channels order by id')).rows);
}

async function channelAudit(): Promise<{ action: string; actor: string; target: string; result: string; detail: Record<string, unknown> }[]> {
  return withControl(
    async (client) => (await client.query(`select action, actor, target, result, detail from audit_log where action like 'notification_channel.%' order by id`)).rows,
  );
}

let receiver: NotificationReceiver;
const hookUrl = (path: string) => `${receiver.origin}${path}/${SECRET}?token=${SECRET}`;

describe('notification channels API', () => {
  beforeAll(async () => {
    await controlDb.create();
    receiver = await startReceiver();
    receiver.on(`/ok/${SECRET}`, answer(200));
    receiver.on(`/refuse/${SECRET}`, answer(500));
    receiver.on(`/hang/${SECRET}`, hang);
  });

  afterAll(async () => {
    await receiver?.close();
    await controlDb.drop();
  });

  it('refuses viewers and operators on every channel route, writing nothing', async () => {
    const body = { name: 'ops', kind: 'webhook', url: hookUrl('/ok'), enabled: true };
    for (const role of ['viewer', 'operator'] as const) {
      expect((await list(role)).status).toBe(403);
      expect((await create(body, role)).status).toBe(403);
      expect((await update('1', { enabled: false }, role)).status).toBe(403);
      expect((await remove('1', role)).status).toBe(403);
      expect((await sendTest('1', role)).status).toBe(403);
      expect((await deliveries('1', role)).status).toBe(403);
    }
    expect(await channelRows()).toEqual([]);
    expect(receiver.messages).toHaveLength(0);
  });

  it('refuses a bad name, kind or URL with a 400 naming the field, writing nothing', async () => {
    const valid = { name: 'ops', kind: 'webhook', url: hookUrl('/ok'), enabled: true };
    for (const [patch, field] of [
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ kind: 'email' }, 'kind'],
      [{ url: 'ftp://127.0.0.1/hook' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: `https://admin:${SECRET}@hooks.example.com/x` }, 'url'],
      [{ kind: 'slack', url: `http://hooks.example.com/${SECRET}` }, 'url'],
      [{ enabled: 'yes' }, 'enabled'],
    ] as const) {
      const { status, body, text } = await create({ ...valid, ...patch });
      expect(status, JSON.stringify(patch)).toBe(400);
      expect(body.error.field, JSON.stringify(patch)).toBe(field);
      expect(text).not.toContain(SECRET);
    }
    expect(await channelRows()).toEqual([]);
    expect(await channelAudit()).toEqual([]);
  });

  it('creates, lists and edits channels showing the host only, keeping the URL when none is sent', async () => {
    const created = await create({ name: 'on-call webhook', kind: 'webhook', url: hookUrl('/ok'), enabled: true });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(SECRET);
    expect(created.body).toMatchObject({ name: 'on-call webhook', kind: 'webhook', urlHost: receiver.host, enabled: true, notifyOnAck: false, failing: false });
    expect(created.body).not.toHaveProperty('url');
    const id = (created.body as NotificationChannel).id;

    const duplicate = await create({ name: 'on-call webhook', kind: 'slack', url: hookUrl('/ok'), enabled: true });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.field).toBe('name');

    const listed = await list();
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(SECRET);
    expect(listed.body.channels.map((channel: NotificationChannel) => [channel.name, channel.urlHost])).toEqual([['on-call webhook', receiver.host]]);

    const renamed = await update(id, { name: 'pager', kind: 'slack', enabled: false, notifyOnAck: true });
    expect(renamed.status).toBe(200);
    expect(renamed.text).not.toContain(SECRET);
    expect(renamed.body).toMatchObject({ id, name: 'pager', kind: 'slack', urlHost: receiver.host, enabled: false, notifyOnAck: true });
    expect((await channelRows())[0].url).toBe(hookUrl('/ok'));

    const moved = await update(id, { url: `http://localhost:${receiver.host.split(':')[1]}/ok/${SECRET}`, enabled: true });
    expect(moved.status).toBe(200);
    expect(moved.text).not.toContain(SECRET);
    expect(moved.body.urlHost).toBe(`localhost:${receiver.host.split(':')[1]}`);
    await update(id, { url: hookUrl('/ok'), kind: 'webhook' });

    for (const [body, field] of [
      [{ url: 'https://' }, 'url'],
      [{ name: '' }, 'name'],
      [{}, 'body'],
      [{ url: hookUrl('/ok'), secret: 1 }, 'request'],
    ] as const) {
      const refused = await update(id, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.field ?? 'request', JSON.stringify(body)).toBe(field);
    }
    const plain = await create({ name: 'plain http', kind: 'webhook', url: `http://hooks.example.com/${SECRET}`, enabled: false });
    expect(plain.status).toBe(201);
    const toSlack = await update(plain.body.id, { kind: 'slack' });
    expect(toSlack.status).toBe(400);
    expect(toSlack.body.error.field).toBe('kind');
    expect(toSlack.text).not.toContain(SECRET);
    expect((await channelRows()).find((row) => row.id === plain.body.id)?.kind).toBe('webhook');

    expect((await update('999999', { enabled: true })).status).toBe(404);
    expect((await update('abc', { enabled: true })).status).toBe(404);
  });

  it('sends a test message now and reports the receiver answer, logging it', async () => {
    const [channel] = (await list()).body.channels as NotificationChannel[];
    const before = receiver.received(`/ok/${SECRET}`).length;
    const sent = await sendTest(channel.id);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(sent.body.durationMs).toBeGreaterThanOrEqual(0);
    const messages = receiver.received(`/ok/${SECRET}`);
    expect(messages).toHaveLength(before + 1);
    const message = messages.at(-1)!;
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['idempotency-key']).toMatch(/^test:[0-9a-f-]{36}$/);
    expect(message.body).toMatchObject({ transition: 'test', dedupeKey: message.headers['idempotency-key'], event: { id: 'test' } });

    const log = await deliveries(channel.id);
    expect(log.status).toBe(200);
    const [latest] = log.body.deliveries as NotificationDelivery[];
    expect(latest).toMatchObject({ transition: 'test', status: 'sent', attempts: 1, lastStatusCode: 200, lastError: null, dedupeKey: message.headers['idempotency-key'] });

    await update(channel.id, { url: hookUrl('/refuse') });
    const refused = await sendTest(channel.id);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, statusCode: 500 });
    expect(refused.body.error).toContain(receiver.host);
    expect(refused.text).not.toContain(SECRET);
    const afterRefusal = (await list()).body.channels.find((candidate: NotificationChannel) => candidate.id === channel.id);
    expect(afterRefusal).toMatchObject({ consecutiveFailures: 1, failing: false });
    expect(afterRefusal.lastError).toContain('500');
  });

  it('gives up on a receiver that does not answer after the 5 s delivery timeout', async () => {
    const [channel] = (await list()).body.channels as NotificationChannel[];
    await update(channel.id, { url: hookUrl('/hang') });
    const started = Date.now();
    const timedOut = await sendTest(channel.id);
    const took = Date.now() - started;
    expect(timedOut.body).toMatchObject({ ok: false, statusCode: null });
    expect(timedOut.body.error).toBe(`no answer from ${receiver.host} within 5 s`);
    expect(took).toBeGreaterThanOrEqual(4900);
    expect(took).toBeLessThan(9000);
    const log = (await deliveries(channel.id)).body.deliveries as NotificationDelivery[];
    expect(log[0]).toMatchObject({ transition: 'test', status: 'failed', lastStatusCode: null, lastError: timedOut.body.error });
    expect(log.map((delivery) => delivery.status)).toEqual(['failed', 'failed', 'sent']);
  });

  it('audits every change without the URL, and a delete takes the delivery log with it', async () => {
    const [channel] = (await list()).body.channels as NotificationChannel[];
    const deleted = await remove(channel.id);
    expect(deleted.status).toBe(200);
    expect(deleted.text).not.toContain(SECRET);
    expect((await deliveries(channel.id)).status).toBe(404);
    expect((await sendTest(channel.id)).status).toBe(404);
    expect((await remove(channel.id)).status).toBe(404);

    const audit = await channelAudit();
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(audit.map((row) => row.action)).toEqual([
      'notification_channel.create',
      'notification_channel.update',
      'notification_channel.update',
      'notification_channel.update',
      'notification_channel.create',
      'notification_channel.test',
      'notification_channel.update',
      'notification_channel.test',
      'notification_channel.update',
      'notification_channel.test',
      'notification_channel.delete',
    ]);
    for (const row of audit) expect(row.actor).toBe('it-admin');
    expect(audit[1].detail).toMatchObject({ before: { name: 'on-call webhook', kind: 'webhook' }, after: { name: 'pager', kind: 'slack' }, urlChanged: false });
    expect(audit[2].detail).toMatchObject({ urlChanged: true, after: { urlHost: `localhost:${receiver.host.split(':')[1]}` } });
    expect(audit.filter((row) => row.action === 'notification_channel.test').map((row) => row.result)).toEqual(['ok', 'failed', 'failed']);
    expect(audit.at(-1)!.detail).toMatchObject({ before: { name: 'pager', urlHost: receiver.host } });
  });
});
