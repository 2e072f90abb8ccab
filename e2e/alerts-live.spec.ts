import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './csp-guard';
import pg from 'pg';
import type { AlertEvent, AlertRule } from '@/lib/alerts/alert-model';
import { E2E_BASE_URL, E2E_SANDBOX } from './e2e-env';
import { connectAsApp } from './fleet-db';
import { signInApi, signInThroughTheForm } from './helpers';

/**
 * An alert the real worker beside the server fires: a tenant's session sits
 * idle in its transaction on shard-1's primary, past a threshold an admin
 * lowered to 1 s. Nothing is written into the alert tables by the test: the
 * worker samples (every 2 s), evaluates, fires, captures the context naming
 * the tenant, and resolves once the transaction ends.
 */

const METRIC = 'longest_idle_in_transaction_seconds';

interface Tenant {
  id: string;
  name: string;
}

async function tenantOnShard1(): Promise<Tenant> {
  const fleet = JSON.parse(readFileSync(path.resolve('.sandbox', E2E_SANDBOX.name, 'fleet.json'), 'utf8')) as { control: { url: string } };
  const client = new pg.Client({ connectionString: fleet.control.url });
  await client.connect();
  try {
    const { rows } = await client.query<Tenant>(`select id, name from tenants where shard_id = 'shard-1' and status = 'active' order by name limit 1`);
    return rows[0];
  } finally {
    await client.end();
  }
}

async function fleetRule(request: APIRequestContext): Promise<AlertRule> {
  const response = await request.get('/api/alert-rules');
  expect(response.status()).toBe(200);
  const { rules } = (await response.json()) as { rules: AlertRule[] };
  return rules.find((rule) => rule.metric === METRIC && rule.scope === 'fleet')!;
}

async function putRule(request: APIRequestContext, id: string, patch: Partial<Pick<AlertRule, 'warning' | 'critical' | 'forSeconds'>>): Promise<void> {
  const response = await request.put(`/api/alert-rules/${id}`, { data: patch, headers: { origin: E2E_BASE_URL } });
  expect(response.status(), await response.text()).toBe(200);
}

async function tenantEvent(request: APIRequestContext, tenantId: string): Promise<AlertEvent | undefined> {
  const response = await request.get('/api/alerts?state=recent&shardId=shard-1');
  if (response.status() !== 200) return undefined;
  const { events } = (await response.json()) as { events: AlertEvent[] };
  return events.find((event) => event.metric === METRIC && event.tenantId === tenantId);
}

let original: AlertRule;
let holder: pg.Client | undefined;

test.beforeAll(async ({ request }) => {
  await signInApi(request, 'admin');
  original = await fleetRule(request);
  await putRule(request, original.id, { warning: 1, forSeconds: 0 });
});

test.afterAll(async ({ request }) => {
  await holder?.end().catch(() => {});
  await signInApi(request, 'admin');
  await putRule(request, original.id, { warning: original.warning, critical: original.critical, forSeconds: original.forSeconds });
});

test('the worker fires an idle-in-transaction alert naming the tenant, /alerts shows it with its context, and it resolves', async ({ page, request }) => {
  test.setTimeout(90_000);
  const tenant = await tenantOnShard1();
  holder = await connectAsApp(1, `tenant:${tenant.id}`);
  await holder.query('begin');
  await holder.query('select count(*) from pg_class');

  await signInApi(request, 'viewer');
  await expect.poll(async () => (await tenantEvent(request, tenant.id))?.state, { timeout: 30_000, intervals: [1000] }).toBe('firing');
  const event = (await tenantEvent(request, tenant.id))!;
  expect(event.context?.idleInTransaction[0]).toMatchObject({ tenantId: tenant.id, tenantName: tenant.name, nodeId: 'shard-1-primary' });

  await signInThroughTheForm(page, 'viewer');
  await page.goto(`/alerts?event=${event.id}`);
  const row = page.locator(`[data-testid="alert-event"][data-event-id="${event.id}"]`);
  await expect(row).toContainText('Session idle in transaction');
  await expect(row.getByTestId('alert-context')).toContainText(tenant.name);

  await holder.query('commit');
  await expect.poll(async () => (await tenantEvent(request, tenant.id))?.state, { timeout: 30_000, intervals: [1000] }).toBe('resolved');
});
