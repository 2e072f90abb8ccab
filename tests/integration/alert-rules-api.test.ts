import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { GET as listRoute, POST as createRoute } from '@/app/api/alert-rules/route';
import { DELETE as deleteRoute, PUT as updateRoute } from '@/app/api/alert-rules/[id]/route';
import { ALERT_METRIC_NAMES } from '@/lib/alerts/alert-metrics';
import type { AlertRule } from '@/lib/alerts/alert-model';
import type { AlertRuleList } from '@/lib/alerts/rule-validation';
import type { AuditRow } from '@/lib/auth/audit';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { ownControlDb } from './own-control-db';

/**
 * Alert rules through the real route handlers on a control database of this
 * file's own (other files read the seeded defaults): validation that changes
 * nothing, roles and Origin, the audit row of every change, overrides.
 */

const controlDb = ownControlDb('it_alert_rules');
const { fleet, withControl } = controlDb;

type Role = 'viewer' | 'operator' | 'admin';

function request(urlPath: string, role: Role, init: { method?: string; body?: unknown; origin?: string } = {}): NextRequest {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { host: CONSOLE_HOST, cookie: sessionCookie(role) };
  if (method !== 'GET') headers.origin = init.origin ?? `http://${CONSOLE_HOST}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return new NextRequest(`http://${CONSOLE_HOST}${urlPath}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

const noParams = { params: Promise.resolve({}) };
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

interface Answer<T> {
  status: number;
  body: T & { error?: { code: string; message: string; field?: string } };
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  return { status: response.status, body: await response.json() };
}

const listRules = async (role: Role = 'viewer') => answer<AlertRuleList>(await listRoute(request('/api/alert-rules', role), noParams));
const putRule = async (id: string, body: unknown, role: Role = 'admin', origin?: string) =>
  answer<{ before: AlertRule; after: AlertRule }>(await updateRoute(request(`/api/alert-rules/${id}`, role, { method: 'PUT', body, origin }), idParams(id)));
const postRule = async (body: unknown, role: Role = 'admin') =>
  answer<{ rule: AlertRule }>(await createRoute(request('/api/alert-rules', role, { method: 'POST', body }), noParams));
const deleteRule = async (id: string, role: Role = 'admin') =>
  answer<{ deleted: AlertRule }>(await deleteRoute(request(`/api/alert-rules/${id}`, role, { method: 'DELETE' }), idParams(id)));

async function fleetRule(metric: string): Promise<AlertRule> {
  const { body } = await listRules();
  return body.rules.find((rule) => rule.metric === metric && rule.scope === 'fleet')!;
}

/** The stored row as the database has it, to prove a refused change wrote nothing. */
async function storedRow(id: string) {
  const { rows } = await withControl((client) =>
    client.query('select warning, critical, for_seconds, enabled, updated_at, updated_by from alert_rules where id = $1', [id]),
  );
  return rows[0];
}

async function ruleAudit(target: string): Promise<{ action: string; actor: string; detail: Record<string, unknown> }[]> {
  const { rows } = await withControl((client) =>
    client.query(`select action, actor, detail from audit_log where action like 'alert_rule.%' and target = $1 order by id`, [target]),
  );
  return rows;
}

const shard = fleet.shards.find((candidate) => candidate.nodes.some((node) => node.role === 'replica'))!;
const replica = shard.nodes.find((node) => node.role === 'replica')!;

describe('alert rules API', () => {
  beforeAll(async () => {
    await controlDb.create();
  });

  afterAll(async () => {
    await controlDb.drop();
  });

  it('lists the 13 seeded fleet defaults to a viewer, with each metric label, unit and range', async () => {
    const { status, body } = await listRules('viewer');
    expect(status).toBe(200);
    expect(body.rules.map((rule) => rule.metric)).toEqual(ALERT_METRIC_NAMES);
    expect(body.rules).toHaveLength(13);
    expect(body.rules.every((rule) => rule.scope === 'fleet' && rule.shardId === null && rule.nodeId === null && rule.enabled)).toBe(true);
    expect(Object.keys(body.rules[0]).sort()).toEqual(
      ['comparator', 'critical', 'enabled', 'forSeconds', 'id', 'metric', 'nodeId', 'scope', 'shardId', 'updatedAt', 'updatedBy', 'warning'].sort(),
    );
    expect(body.rules.find((rule) => rule.metric === 'replica_lag_seconds')).toMatchObject({ comparator: '>', warning: 1, critical: 10, forSeconds: 60 });
    expect(body.rules.find((rule) => rule.metric === 'cache_hit_pct')).toMatchObject({ comparator: '<', warning: 90, critical: 80 });
    expect(body.metrics.find((metric) => metric.metric === 'db_size_bytes')).toMatchObject({ label: 'Database size', unit: 'bytes', min: 0 });
    expect(body.metrics.map((metric) => metric.metric)).toEqual(ALERT_METRIC_NAMES);
  });

  it('refuses a critical below the warning with a 400 naming critical, and the row stays as it was', async () => {
    const rule = await fleetRule('connections_pct');
    const before = await storedRow(rule.id);
    const { status, body } = await putRule(rule.id, { critical: 50 });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'bad_request', field: 'critical', message: "critical (50 %) must be above warning (80 %) for a '>' rule" });
    expect(await storedRow(rule.id)).toEqual(before);
    expect(await ruleAudit(`alert_rule:${rule.id}`)).toEqual([]);
  });

  it('refuses forSeconds 3601, unknown fields, node-down thresholds and unknown rules, naming the field', async () => {
    const lag = await fleetRule('replica_lag_seconds');
    const nodeUp = await fleetRule('node_up');
    const lagBefore = await storedRow(lag.id);
    for (const [id, patch, field] of [
      [lag.id, { forSeconds: 3601 }, 'forSeconds'],
      [lag.id, { warning: 2, comparator: '<' }, 'comparator'],
      [lag.id, { critical: 86_401 }, 'critical'],
      [lag.id, { warning: null, critical: null }, 'critical'],
      [lag.id, {}, 'body'],
      [nodeUp.id, { critical: 0 }, 'critical'],
    ] as const) {
      const { status, body } = await putRule(id, patch);
      expect(status, JSON.stringify(patch)).toBe(400);
      expect(body.error?.field, JSON.stringify(patch)).toBe(field);
    }
    expect(await storedRow(lag.id)).toEqual(lagBefore);
    expect((await putRule('999999', { warning: 2 })).status).toBe(404);
    expect((await putRule('not-a-rule', { warning: 2 })).status).toBe(404);
  });

  it('refuses a viewer or operator (403) and a foreign Origin (403), changing nothing', async () => {
    const lag = await fleetRule('replica_lag_seconds');
    const before = await storedRow(lag.id);
    expect((await putRule(lag.id, { warning: 2 }, 'operator')).status).toBe(403);
    expect((await putRule(lag.id, { warning: 2 }, 'viewer')).status).toBe(403);
    const foreign = await putRule(lag.id, { warning: 2 }, 'admin', 'http://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error?.field).toBe('Origin');
    expect((await postRule({ metric: 'connections_pct', scope: 'shard', shardId: shard.id }, 'operator')).status).toBe(403);
    expect((await deleteRule(lag.id, 'operator')).status).toBe(403);
    expect(await storedRow(lag.id)).toEqual(before);
  });

  it('saves a good change and writes one audit row with the rule before and after', async () => {
    const lag = await fleetRule('replica_lag_seconds');
    const { status, body } = await putRule(lag.id, { warning: 2 });
    expect(status).toBe(200);
    expect(body.before).toMatchObject({ warning: 1, critical: 10 });
    expect(body.after).toMatchObject({ id: lag.id, warning: 2, critical: 10, forSeconds: 60, enabled: true, updatedBy: 'it-admin' });
    expect(body.after.updatedAt > lag.updatedAt).toBe(true);
    expect(await ruleAudit(`alert_rule:${lag.id}`)).toEqual([
      {
        action: 'alert_rule.update',
        actor: 'it-admin',
        detail: {
          metric: 'replica_lag_seconds',
          scope: 'fleet',
          shardId: null,
          nodeId: null,
          before: { warning: 1, critical: 10, forSeconds: 60, enabled: true },
          after: { warning: 2, critical: 10, forSeconds: 60, enabled: true },
        },
      },
    ]);

    // The settings page's "Recent changes": the audit listing filtered to alert rule actions.
    const filtered = await answer<{ entries: AuditRow[] }>(await auditRoute(request('/api/audit?action=alert_rule.', 'admin'), noParams));
    expect(filtered.status).toBe(200);
    expect(filtered.body.entries.length).toBeGreaterThan(0);
    expect(filtered.body.entries.every((entry) => entry.action.startsWith('alert_rule.'))).toBe(true);
    expect(filtered.body.entries[0]).toMatchObject({ action: 'alert_rule.update', target: `alert_rule:${lag.id}` });
    // Without the filter the listing is as before: the refusals of the previous test are in it too.
    const all = await answer<{ entries: AuditRow[] }>(await auditRoute(request('/api/audit', 'admin'), noParams));
    expect(all.body.entries.some((entry) => entry.action === 'request.refused')).toBe(true);
    expect((await auditRoute(request('/api/audit?action=alert_rule.', 'viewer'), noParams)).status).toBe(403);

    expect((await putRule(lag.id, { warning: 1 })).status).toBe(200);
  });

  it('adds an override for a shard and one for a node, listed after the fleet default with the fleet values it did not set', async () => {
    const shardOverride = await postRule({ metric: 'connections_pct', scope: 'shard', shardId: shard.id, critical: 95 });
    expect(shardOverride.status).toBe(201);
    expect(shardOverride.body.rule).toMatchObject({ metric: 'connections_pct', scope: 'shard', shardId: shard.id, nodeId: null, comparator: '>', warning: 80, critical: 95, forSeconds: 60, enabled: true });

    const nodeOverride = await postRule({ metric: 'replica_lag_seconds', scope: 'node', shardId: shard.id, nodeId: replica.id, warning: 5, critical: 30, forSeconds: 120 });
    expect(nodeOverride.status).toBe(201);
    expect(nodeOverride.body.rule).toMatchObject({ scope: 'node', shardId: shard.id, nodeId: replica.id, comparator: '>', warning: 5, critical: 30, forSeconds: 120 });

    const { body } = await listRules('viewer');
    expect(body.rules.filter((rule) => rule.metric === 'connections_pct').map((rule) => rule.scope)).toEqual(['fleet', 'shard']);
    expect(body.rules.filter((rule) => rule.metric === 'replica_lag_seconds').map((rule) => rule.id)).toEqual([
      (await fleetRule('replica_lag_seconds')).id,
      nodeOverride.body.rule.id,
    ]);
    const [created] = await ruleAudit(`alert_rule:${shardOverride.body.rule.id}`);
    expect(created).toMatchObject({
      action: 'alert_rule.create',
      detail: { metric: 'connections_pct', scope: 'shard', shardId: shard.id, nodeId: null, before: null, after: { warning: 80, critical: 95, forSeconds: 60, enabled: true } },
    });
  });

  it('refuses a duplicate override (409) and overrides naming what the fleet does not have (400)', async () => {
    const duplicate = await postRule({ metric: 'connections_pct', scope: 'shard', shardId: shard.id });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error?.message).toMatch(/already has an override/);
    for (const [body, field] of [
      [{ metric: 'connections_pct', scope: 'shard', shardId: 'shard-nope' }, 'shardId'],
      [{ metric: 'connections_pct', scope: 'node', shardId: shard.id, nodeId: 'node-nope' }, 'nodeId'],
      [{ metric: 'pool_utilisation_pct', scope: 'node', shardId: shard.id, nodeId: replica.id }, 'scope'],
      [{ metric: 'tps', scope: 'shard', shardId: shard.id }, 'metric'],
      // Checked against the fleet values it copies: a warning above the fleet critical.
      [{ metric: 'disk_pct', scope: 'shard', shardId: shard.id, warning: 95 }, 'warning'],
    ] as const) {
      const refused = await postRule(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error?.field, JSON.stringify(body)).toBe(field);
    }
    const { body } = await listRules();
    expect(body.rules.filter((rule) => rule.metric === 'disk_pct')).toHaveLength(1);
  });

  it('will not delete a fleet default (409) but deletes an override, audited', async () => {
    const connections = await fleetRule('connections_pct');
    const refused = await deleteRule(connections.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/fleet default .* disable it instead/);
    expect(await storedRow(connections.id)).toBeDefined();

    const override = (await listRules()).body.rules.find((rule) => rule.metric === 'connections_pct' && rule.scope === 'shard')!;
    const deleted = await deleteRule(override.id);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toMatchObject({ id: override.id, scope: 'shard', critical: 95 });
    expect((await listRules()).body.rules.some((rule) => rule.id === override.id)).toBe(false);
    expect((await ruleAudit(`alert_rule:${override.id}`)).map((row) => [row.action, row.detail.before, row.detail.after])).toEqual([
      ['alert_rule.create', null, { warning: 80, critical: 95, forSeconds: 60, enabled: true }],
      ['alert_rule.delete', { warning: 80, critical: 95, forSeconds: 60, enabled: true }, null],
    ]);
    expect((await deleteRule(override.id)).status).toBe(404);
  });
});
