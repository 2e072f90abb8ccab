import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import pg from 'pg';
import type { AlertContext, AlertEvent, AlertMachineState } from '@/lib/alerts/alert-model';
import type { FiringSummary } from '@/lib/alerts/events-query';
import { E2E_SANDBOX } from './e2e-env';
import { signInThroughTheForm } from './helpers';

/**
 * /alerts with an event written straight into the e2e control DB, as the
 * worker's evaluation would leave it: mean statement time on shard-1's
 * primary at critical, its context naming the tenant whose transaction
 * blocked the others. The list, the context snapshot, the header badge on
 * another page, and an operator acknowledging from the notification's link.
 *
 * The worker beside the server evaluates every round and retires an open
 * event that its state does not know; so the event comes with its state
 * (alert_states, the machine firing at critical). The rule's `for` of 300 s
 * keeps it firing through this spec however good the real samples are.
 */

const METRIC = 'mean_statement_ms';
const TARGET_KEY = 'node:shard-1-primary';
const noisyTenant = { id: randomUUID(), name: `e2e-noisy-${Date.now().toString(36)}` };
const blockingQuery = 'update invoices set status = $1 where tenant_id = $2';

const context: AlertContext = {
  capturedAt: new Date().toISOString(),
  windowSeconds: 300,
  topTenants: [{ tenantId: noisyTenant.id, name: noisyTenant.name, activeSeconds: 240, sessions: 9 }],
  blockingRoots: [
    {
      pid: 4242,
      nodeId: 'shard-1-primary',
      tenantId: noisyTenant.id,
      tenantName: noisyTenant.name,
      user: 'app',
      applicationName: 'billing-worker',
      state: 'idle in transaction',
      xactSeconds: 95,
      blockedCount: 3,
      query: blockingQuery,
    },
  ],
  idleInTransaction: [{ pid: 4242, nodeId: 'shard-1-primary', tenantId: noisyTenant.id, tenantName: noisyTenant.name, user: 'app', idleSeconds: 95, query: blockingQuery }],
  topStatements: [{ statementHash: 'e2e0000000000001', query: blockingQuery, calls: 1200, totalTimeMs: 2_880_000, meanTimeMs: 2400 }],
  pgbouncerWaiting: [],
  tenantLimit: null,
  errors: [],
};

/** Playing the worker at psql on the control DB. */
async function withControl<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const fleet = JSON.parse(readFileSync(path.resolve('.sandbox', E2E_SANDBOX.name, 'fleet.json'), 'utf8')) as { control: { url: string } };
  const client = new pg.Client({ connectionString: fleet.control.url, application_name: 'e2e-alerts' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The event fired 3 minutes ago at 2.4 s (critical above 2 s), with its 'fired' transition. $1 the context, $2 metric, $3 target. */
const INSERT_EVENT_SQL = `
  with rule as (
    select id from alert_rules where metric = $2 and scope = 'fleet'
  ), event as (
    insert into alert_events (rule_id, metric, target_key, shard_id, node_id, severity, peak_severity, started_at, peak_value, last_value, threshold, context)
    select rule.id, $2, $3, 'shard-1', 'shard-1-primary', 'critical', 'critical', now() - interval '3 minutes', 2400, 2400, 2000, $1
    from rule
    returning id, rule_id, started_at
  ), fired as (
    insert into alert_event_transitions (event_id, seq, kind, severity, value, at)
    select id, 1, 'fired', 'critical', 2400, started_at from event
  )
  select id::text as id, rule_id::text as rule_id, started_at from event`;

/** The evaluation's memory of it (lib/alerts/alert-model.ts AlertMachineState): firing at critical, nothing good seen yet. */
const UPSERT_STATE_SQL = `
  insert into alert_states (metric, target_key, shard_id, rule_id, event_id, machine, last_sample_at)
  values ($1, $2, 'shard-1', $3, $4, $5, now())
  on conflict (metric, target_key) do update
  set rule_id = excluded.rule_id, event_id = excluded.event_id, machine = excluded.machine, last_sample_at = excluded.last_sample_at, updated_at = now()`;

function firingMachine(startedAt: Date): AlertMachineState {
  const since = startedAt.toISOString();
  return {
    phase: 'firing',
    badSince: since,
    criticalSince: since,
    belowCriticalSince: null,
    goodSince: null,
    severity: 'critical',
    peakSeverity: 'critical',
    peakValue: 2400,
    lastValue: 2400,
    lastSampleAt: new Date().toISOString(),
  };
}

let eventId = '';

async function apiJson<T>(page: Page, url: string): Promise<T> {
  const response = await page.request.get(url);
  expect(response.status(), `${url}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

const eventRow = (page: Page) => page.locator(`[data-testid="alert-event"][data-event-id="${eventId}"]`);

test.beforeAll(async () => {
  eventId = await withControl(async (client) => {
    await client.query('begin');
    const { rows } = await client.query(INSERT_EVENT_SQL, [JSON.stringify(context), METRIC, TARGET_KEY]);
    const [event] = rows as { id: string; rule_id: string; started_at: Date }[];
    await client.query(UPSERT_STATE_SQL, [METRIC, TARGET_KEY, event.rule_id, event.id, JSON.stringify(firingMachine(event.started_at))]);
    await client.query('commit');
    return event.id;
  });
});

test.afterAll(async () => {
  // The state first (the evaluation starts over from ok), then the event: its transitions and queued notifications cascade.
  await withControl(async (client) => {
    await client.query('begin');
    await client.query('delete from alert_states where metric = $1 and target_key = $2', [METRIC, TARGET_KEY]);
    await client.query('delete from alert_events where id = $1', [eventId]);
    await client.query('commit');
  });
});

test('a viewer sees the firing alert with its context, and its count in the header on every page', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');

  // The fleet overview: another page, same header.
  const summary = await apiJson<FiringSummary>(page, '/api/alerts/summary');
  expect(summary.critical).toBeGreaterThanOrEqual(1);
  const badge = page.getByTestId('firing-badge');
  await expect(badge).toHaveText(String(summary.firing));
  await expect(badge).toHaveAttribute('data-tone', 'bad');

  await page.getByRole('link', { name: /^Alerts/ }).click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  const row = eventRow(page);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'firing');
  await expect(row).toContainText('critical');
  await expect(row).toContainText('Mean statement time');
  await expect(row).toContainText('> 2 s');
  await expect(row).toContainText('shard-1-primary');
  // The peak: the worker keeps the last value current.
  await expect(row).toContainText('2.4 s');
  // A viewer reads; acknowledging is for operators.
  await expect(row.getByTestId('acknowledge')).toHaveCount(0);

  await row.getByTestId('toggle-context').click();
  const snapshot = row.getByTestId('alert-context');
  await expect(snapshot.getByTestId('context-top-tenants')).toContainText(noisyTenant.name);
  const roots = snapshot.getByTestId('context-blocking-roots');
  await expect(roots).toContainText('4242');
  await expect(roots).toContainText(noisyTenant.name);
  await expect(roots).toContainText(blockingQuery);
  await expect(snapshot.getByTestId('context-top-statements')).toContainText('1.2k');
  await expect(row.getByTestId('event-chart-link')).toHaveAttribute('href', /^\/shards\/shard-1\?range=1h#shard-history-heading$/);

  // The filters live in the URL: a critical-only, shard-2 view does not hold it.
  await page.getByTestId('filter-shard').selectOption('shard-2');
  await expect(page).toHaveURL(/shardId=shard-2/);
  await expect(eventRow(page)).toHaveCount(0);
  await page.getByTestId('filter-shard').selectOption('');
  await expect(eventRow(page)).toBeVisible();
});

test('an operator opens the notification link and acknowledges it; the row shows who', async ({ page }) => {
  await signInThroughTheForm(page, 'operator');
  await page.goto(`/alerts?event=${eventId}`);
  const row = eventRow(page);
  // The linked event opens expanded and highlighted.
  await expect(row).toHaveClass(/linked/);
  await expect(row.getByTestId('alert-context')).toContainText(noisyTenant.name);

  await row.getByTestId('acknowledge').click();
  await expect(row.getByTestId('event-acknowledged')).toContainText('operator');
  await expect(row.getByTestId('acknowledge')).toHaveCount(0);

  const [event] = (await apiJson<{ events: AlertEvent[] }>(page, `/api/alerts?eventId=${eventId}`)).events;
  expect(event).toMatchObject({ acknowledgedBy: 'operator', state: 'firing' });
  const summary = await apiJson<FiringSummary>(page, '/api/alerts/summary');
  expect(summary.unacknowledged).toBeLessThan(summary.firing);
});

test('the shard charts of a past event end at its `to`, and go back to now on request', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  const to = new Date(Math.floor((Date.now() - 5 * 60_000) / 1000) * 1000).toISOString();
  const historyAnswer = page.waitForResponse((response) => response.url().includes('metric=connections_pct') && response.url().includes('to='));
  await page.goto(`/shards/shard-1?range=1h&to=${encodeURIComponent(to)}`);
  const answer = await historyAnswer;
  expect(answer.status()).toBe(200);
  expect((await answer.json()).to).toBe(to);
  await expect(page.getByTestId('history-end')).toBeVisible();
  const chart = page.locator('[data-testid="history-chart"][data-metric="connections_pct"]');
  await expect(chart).toHaveAttribute('data-range', '1h');
  await expect(chart).toHaveAttribute('data-state', /^(ready|empty)$/);

  await page.getByTestId('history-end').getByRole('button', { name: 'Show up to now' }).click();
  await expect(page).not.toHaveURL(/to=/);
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByTestId('history-end')).toHaveCount(0);
});
