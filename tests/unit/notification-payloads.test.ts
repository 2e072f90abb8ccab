import { describe, expect, it } from 'vitest';
import {
  buildChannelPayload,
  buildSlackPayload,
  buildTestPayload,
  buildWebhookPayload,
  consoleEventLink,
  describeTarget,
  formatUtcTime,
  type PayloadEvent,
  type PayloadTransition,
} from '@/lib/alerts/notification-payloads';

const PUBLIC_URL = 'https://shardscope.example.com/';

const lagEvent: PayloadEvent = {
  id: '42',
  metric: 'replica_lag_seconds',
  shardId: 'shard-1',
  nodeId: 'shard-1-replica-1',
  tenantId: null,
  tenantName: null,
  startedAt: '2026-12-01T10:02:31.000Z',
  resolvedAt: null,
  peakSeverity: 'critical',
  peakValue: 12.3,
};

const fired: PayloadTransition = { kind: 'fired', severity: 'critical', value: 12.3, at: '2026-12-01T10:02:31.000Z', actor: null };

describe('webhook payload', () => {
  it('carries the event as it stood at the transition, the dedupe key and a link to the event', () => {
    expect(buildWebhookPayload(lagEvent, fired, '42:1:7', PUBLIC_URL)).toEqual({
      event: {
        id: '42',
        state: 'firing',
        severity: 'critical',
        metric: 'replica_lag_seconds',
        shardId: 'shard-1',
        nodeId: 'shard-1-replica-1',
        tenantId: null,
        startedAt: '2026-12-01T10:02:31.000Z',
        resolvedAt: null,
        value: 12.3,
      },
      transition: 'fired',
      dedupeKey: '42:1:7',
      console: 'https://shardscope.example.com/alerts?event=42',
    });
  });

  it('says resolved with the end time on a resolve, even when the event row has not caught up', () => {
    const resolved: PayloadTransition = { kind: 'resolved', severity: 'critical', value: 0.2, at: '2026-12-01T10:15:00.000Z', actor: null };
    const payload = buildWebhookPayload(lagEvent, resolved, '42:3:7', PUBLIC_URL);
    expect(payload.event).toMatchObject({ state: 'resolved', resolvedAt: '2026-12-01T10:15:00.000Z', value: 0.2 });
    expect(payload.transition).toBe('resolved');
  });

  it('keeps a fired message "firing" though the event resolved before it was built', () => {
    const payload = buildWebhookPayload({ ...lagEvent, resolvedAt: '2026-12-01T10:15:00.000Z' }, fired, '42:1:7', PUBLIC_URL);
    expect(payload.event).toMatchObject({ state: 'firing', resolvedAt: null });
  });
});

describe('slack payload', () => {
  it('reads as one operator line: severity, metric with unit, where, since when, link', () => {
    expect(buildSlackPayload(lagEvent, fired, PUBLIC_URL).text).toBe(
      ':red_circle: CRITICAL Replica lag 12.3 s on shard-1 / shard-1-replica-1 — firing since 10:02 UTC <https://shardscope.example.com/alerts?event=42|open in Shardscope>',
    );
  });

  it('marks a warning, an escalation and a de-escalation', () => {
    const warning = buildSlackPayload(lagEvent, { ...fired, severity: 'warning', value: 2 }, PUBLIC_URL).text;
    expect(warning).toMatch(/^:warning: WARNING Replica lag 2 s on shard-1 \/ shard-1-replica-1 — firing since 10:02 UTC /);
    const escalated = buildSlackPayload(lagEvent, { ...fired, kind: 'escalated', at: '2026-12-01T10:05:00.000Z' }, PUBLIC_URL).text;
    expect(escalated).toMatch(/^:red_circle: CRITICAL Replica lag 12\.3 s .* — escalated, firing since 10:02 UTC /);
    const down = buildSlackPayload(lagEvent, { ...fired, kind: 'deescalated', severity: 'warning', value: 4 }, PUBLIC_URL).text;
    expect(down).toMatch(/^:warning: WARNING Replica lag 4 s .* — down from critical/);
  });

  it('sums up a resolve: peak severity and value, from–to and how long', () => {
    const resolved: PayloadTransition = { kind: 'resolved', severity: 'critical', value: 0.2, at: '2026-12-01T10:15:31.000Z', actor: null };
    expect(buildSlackPayload({ ...lagEvent, resolvedAt: '2026-12-01T10:15:31.000Z' }, resolved, PUBLIC_URL).text).toBe(
      ':large_green_circle: RESOLVED Replica lag 200 ms on shard-1 / shard-1-replica-1 — was critical, peak 12.3 s, 10:02 UTC–10:15 UTC (13 min) ' +
        '<https://shardscope.example.com/alerts?event=42|open in Shardscope>',
    );
  });

  it('names who acknowledged', () => {
    const ack: PayloadTransition = { kind: 'acknowledged', severity: 'critical', value: 12.3, at: '2026-12-01T10:04:00.000Z', actor: 'alice' };
    expect(buildSlackPayload(lagEvent, ack, PUBLIC_URL).text).toMatch(/^:eyes: ACKNOWLEDGED by alice — CRITICAL Replica lag 12\.3 s on shard-1 \/ shard-1-replica-1, firing since 10:02 UTC /);
  });

  it('formats values in the metric unit and leaves the value out for node down', () => {
    const nodeDown: PayloadEvent = { ...lagEvent, metric: 'node_up' };
    expect(buildSlackPayload(nodeDown, { ...fired, value: 0 }, PUBLIC_URL).text).toMatch(/^:red_circle: CRITICAL Node down on shard-1 \/ shard-1-replica-1 — /);
    const size: PayloadEvent = { ...lagEvent, metric: 'db_size_bytes', nodeId: 'shard-2-primary', shardId: 'shard-2' };
    expect(buildSlackPayload(size, { ...fired, severity: 'warning', value: 12 * 1024 ** 3 }, PUBLIC_URL).text).toMatch(/WARNING Database size 12\.0 GiB on shard-2 \/ shard-2-primary/);
    const connections: PayloadEvent = { ...lagEvent, metric: 'connections_pct' };
    expect(buildSlackPayload(connections, { ...fired, value: 91.25 }, PUBLIC_URL).text).toMatch(/CRITICAL Connections \(% of max\) 91\.3 % on /);
  });

  it('names a pooler and a tenant target in words, escaping Slack control characters', () => {
    expect(describeTarget({ ...lagEvent, metric: 'pool_utilisation_pct', nodeId: null })).toBe('shard-1 PgBouncer');
    const tenant: PayloadEvent = { ...lagEvent, metric: 'tenant_limit_pct', nodeId: null, tenantId: '0b6f', tenantName: 'Smith & <Sons>' };
    expect(buildSlackPayload(tenant, { ...fired, value: 104 }, PUBLIC_URL).text).toMatch(/Tenant near its tier limit 104 % on tenant Smith &amp; &lt;Sons&gt; on shard-1/);
  });

  it('dates the start when it is on another day than the message', () => {
    expect(formatUtcTime('2026-11-30T23:58:00.000Z', '2026-12-01T00:10:00.000Z')).toBe('2026-11-30 23:58 UTC');
    expect(formatUtcTime('2026-12-01T00:01:00.000Z', '2026-12-01T00:10:00.000Z')).toBe('00:01 UTC');
  });
});

describe('channel payloads', () => {
  it('gives slack channels text and webhooks JSON', () => {
    expect(buildChannelPayload('slack', lagEvent, fired, '42:1:7', PUBLIC_URL)).toHaveProperty('text');
    expect(buildChannelPayload('webhook', lagEvent, fired, '42:1:7', PUBLIC_URL)).toHaveProperty('event.id', '42');
  });

  it('links without a double slash and escapes the event id', () => {
    expect(consoleEventLink('http://localhost:3000', '7')).toBe('http://localhost:3000/alerts?event=7');
    expect(consoleEventLink('http://localhost:3000///', 'a b')).toBe('http://localhost:3000/alerts?event=a%20b');
  });

  it('builds a test message plainly marked as a test in both formats', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    const webhook = buildTestPayload('webhook', 'test:abc', PUBLIC_URL, at);
    expect(webhook).toMatchObject({ transition: 'test', dedupeKey: 'test:abc', event: { id: 'test', metric: 'test', startedAt: at.toISOString() } });
    expect(webhook).toHaveProperty('console', 'https://shardscope.example.com/settings/notifications');
    expect(buildTestPayload('slack', 'test:abc', PUBLIC_URL, at)).toEqual({
      text: ':white_check_mark: Test message from Shardscope: alert notifications will arrive here. <https://shardscope.example.com/settings/notifications|open in Shardscope>',
    });
  });
});
