import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import pg from 'pg';
import type { BalanceReport, Plan } from '@/lib/rebalance/rebalance-model';
import type { TenantDetail } from '@/lib/tenants/tenant-model';
import { E2E_BASE_URL, E2E_SANDBOX } from './e2e-env';
import { signInThroughTheForm } from './helpers';

// The worker beside the server measures tenant storage every 5 s (e2e-env.ts); its first rounds run while the
// server builds, but a slow shard can take a few more.
const MEASURED_TIMEOUT_MS = 60_000;

test.describe.configure({ timeout: 120_000 });

async function apiJson<T>(page: Page, url: string): Promise<T> {
  const response = await page.request.get(url);
  expect(response.status(), `${url}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

/** The bytes report once every shard's tenants have been measured (bytes are 0 until the worker's first round). */
async function measuredBytesReport(page: Page): Promise<BalanceReport> {
  let report = null as BalanceReport | null;
  await expect
    .poll(
      async () => {
        report = await apiJson<BalanceReport>(page, '/api/balance?window=24h&dimension=bytes');
        return report.shards.every((shard) => shard.bytes > 0) && report.skew.bytes !== null;
      },
      { timeout: MEASURED_TIMEOUT_MS, intervals: [1_000] },
    )
    .toBe(true);
  return report!;
}

/** Playing an operator at psql on the control DB: removes a tenant this spec created (its usage rows cascade). */
async function deleteTenantFromDirectory(tenantId: string): Promise<void> {
  const fleet = JSON.parse(readFileSync(path.resolve('.sandbox', E2E_SANDBOX.name, 'fleet.json'), 'utf8')) as { control: { url: string } };
  const client = new pg.Client({ connectionString: fleet.control.url, application_name: 'e2e-balance-cleanup' });
  await client.connect();
  try {
    await client.query('delete from tenants where id = $1', [tenantId]);
  } finally {
    await client.end();
  }
}

test('a viewer sees the crowded shard above the band and the other below it, and no admin control', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  const report = await measuredBytesReport(page);
  expect(report.shards.map((shard) => shard.shardId)).toEqual(['shard-1', 'shard-2']);
  // The seed puts 70 % of the tenants on shard-1.
  const [crowded, light] = report.shards;
  expect(crowded.tenants).toBeGreaterThan(light.tenants);

  await page.getByRole('link', { name: 'Balance', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Balance', level: 1 })).toBeVisible();
  // Judged by bytes: the choice goes into the URL and the report follows it.
  await page.getByTestId('dimension-picker').getByRole('button', { name: 'Bytes' }).click();
  await expect(page).toHaveURL(/[?&]dimension=bytes(&|$)/);
  await expect(page.getByTestId('balance-report')).toHaveAttribute('data-dimension', 'bytes');

  const rows = page.getByTestId('shard-balance-row');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="shard-balance-row"][data-shard-id="shard-1"] [data-testid="shard-tenants"]')).toHaveText(String(crowded.tenants));
  await expect(page.locator('[data-testid="shard-balance-row"][data-shard-id="shard-2"] [data-testid="shard-tenants"]')).toHaveText(String(light.tenants));

  // The bytes chart: shard-1 above the ±10 % band around the mean, shard-2 below it, and the skew said as a factor.
  const chart = page.locator('[data-testid="skew-chart"][data-dimension="bytes"]');
  await expect(chart).toBeVisible();
  await expect(chart.locator('[data-testid="skew-shard"][data-shard-id="shard-1"]')).toHaveAttribute('data-state', 'over');
  await expect(chart.locator('[data-testid="skew-shard"][data-shard-id="shard-2"]')).toHaveAttribute('data-state', 'under');
  await expect(chart.locator('.recharts-bar-rectangle')).toHaveCount(2);
  await expect(chart.locator('.recharts-reference-area')).toHaveCount(1);
  const skew = Number(await chart.getAttribute('data-skew'));
  expect(skew).toBeGreaterThan(1.1);
  await expect(chart.getByRole('heading')).toContainText(`skew ${skew.toFixed(2)}×`);
  await expect(page.locator('[data-testid="skew-stat"][data-dimension="bytes"]')).toContainText(`${skew.toFixed(2)}×`);

  await expect(page.getByTestId('heaviest-tenants')).toHaveCount(2);
  await expect(page.getByTestId('placement-rule')).not.toBeEmpty();

  // Viewers read and may plan, but get no admin control: no new tenant, no shard status, no Run.
  await expect(page.getByTestId('new-tenant-form')).toHaveCount(0);
  await expect(page.getByTestId('shard-status-toggle')).toHaveCount(0);
  await page.getByTestId('plan-button').click();
  await expect(page.getByTestId('plan-result')).toBeVisible();
  await expect(page.getByTestId('run-plan')).toHaveCount(0);
  await expect(page.getByTestId('run-admins-only')).toBeVisible();
});

test('Plan shows before/after bars per shard that bring both shards within the threshold', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await measuredBytesReport(page);
  await page.goto('/balance?dimension=bytes');
  await expect(page.getByTestId('balance-report')).toHaveAttribute('data-dimension', 'bytes');

  // The form checks what the server would refuse, next to the field, before asking.
  const threshold = page.getByTestId('plan-threshold');
  await expect(threshold).toHaveValue('10');
  await threshold.fill('0');
  await page.getByTestId('plan-button').click();
  await expect(page.locator('[data-testid="field-error"][data-field="thresholdPct"]')).toHaveText('must be between 1 and 100 %');
  await expect(page.getByTestId('plan-result')).toHaveCount(0);
  await threshold.fill('10');

  const planned = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/rebalance/plan' && response.request().method() === 'POST');
  await page.getByTestId('plan-button').click();
  const planResponse = await planned;
  expect(planResponse.status(), await planResponse.text()).toBe(200);
  expect(planResponse.request().postDataJSON()).toEqual({ mode: 'balance', dimension: 'bytes', thresholdPct: 10, window: '24h' });
  const plan = (await planResponse.json()) as Plan;
  expect(plan.withinThreshold).toBe(true);
  expect(plan.moves.length).toBeGreaterThan(0);

  const result = page.getByTestId('plan-result');
  await expect(result).toHaveAttribute('data-within-threshold', 'true');
  await expect(result).toHaveAttribute('data-moves', String(plan.moves.length));

  // Before and after per shard: two bar series over both shards, every shard ends inside the band.
  const bars = result.getByTestId('plan-bars');
  await expect(bars).toBeVisible();
  await expect(bars.locator('.recharts-bar')).toHaveCount(2);
  await expect(bars.locator('.recharts-bar-rectangle')).toHaveCount(4);
  const shardRows = bars.getByTestId('plan-shard-row');
  await expect(shardRows).toHaveCount(2);
  for (const row of await shardRows.all()) await expect(row).toHaveAttribute('data-after-state', 'within');
  const shard1Before = plan.before.find((shard) => shard.shardId === 'shard-1')!;
  const shard1After = plan.after.find((shard) => shard.shardId === 'shard-1')!;
  expect(shard1After.bytes).toBeLessThan(shard1Before.bytes);

  // Totals: what it costs, with the copy time honest about having nothing measured yet.
  await expect(result.getByTestId('plan-tenants')).toHaveText(`${plan.totals.tenants} ${plan.totals.tenants === 1 ? 'tenant' : 'tenants'}`);
  await expect(result.getByTestId('plan-copy-time')).toHaveText('measured once moves exist');
  await expect(result.getByTestId('plan-skew')).toHaveText(`${plan.skewBefore.toFixed(2)}× → ${plan.skewAfter.toFixed(2)}×`);

  // Each move, from the crowded shard, with its reason.
  const moves = result.getByTestId('plan-move');
  await expect(moves).toHaveCount(plan.moves.length);
  for (const [index, move] of plan.moves.entries()) {
    await expect(moves.nth(index)).toHaveAttribute('data-tenant-id', move.tenantId);
    await expect(moves.nth(index)).toHaveAttribute('data-from', 'shard-1');
    await expect(moves.nth(index).getByTestId('plan-move-reason')).toHaveText(move.reason);
  }

  // Admins see Run (e2e/moves.spec.ts runs a plan); it asks before anything moves.
  await expect(result.getByTestId('run-plan-button')).toBeEnabled();
  await result.getByTestId('run-plan-button').click();
  await expect(result.getByTestId('run-plan-confirm')).toContainText(`Move ${plan.moves.length} ${plan.moves.length === 1 ? 'tenant' : 'tenants'}`);
  await result.getByRole('button', { name: 'No' }).click();
  await expect(result.getByTestId('run-plan-button')).toBeVisible();
});

test('an admin creates a tenant and sees the placement rule put it on the lighter shard', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await measuredBytesReport(page);
  // The placement rule weighs by the default (mixed) dimension: the lightest active shard by that weight.
  const mixed = await apiJson<BalanceReport>(page, '/api/balance?window=24h&dimension=mixed');
  const lightest = mixed.shards.filter((shard) => shard.status === 'active' && !shard.stale).sort((a, b) => a.weight - b.weight)[0];
  expect(lightest.shardId).toBe('shard-2');

  await page.goto('/balance');
  const lightRow = page.locator(`[data-testid="shard-balance-row"][data-shard-id="${lightest.shardId}"] [data-testid="shard-tenants"]`);
  await expect(lightRow).toHaveText(/^\d+$/);
  const tenantsBefore = Number(await lightRow.innerText());

  const name = `e2e balance ${Date.now()}`;
  const form = page.getByTestId('new-tenant-form');
  await form.getByTestId('new-tenant-name').fill(name);
  await form.getByTestId('new-tenant-tier').selectOption('starter');
  await expect(form.getByTestId('new-tenant-shard')).toHaveValue('');
  await form.getByTestId('create-tenant').click();

  const placed = form.getByTestId('placement-result');
  await expect(placed).toBeVisible();
  const tenantId = (await placed.getAttribute('data-tenant-id'))!;
  try {
    await expect(placed).toHaveAttribute('data-shard-id', lightest.shardId);
    await expect(placed).toHaveAttribute('data-chosen-by', 'rule');
    await expect(placed).toContainText(`${name} placed on ${lightest.shardId} by the placement rule`);
    // The directory agrees, and the shard's tenant count follows.
    const tenant = await apiJson<TenantDetail>(page, `/api/tenants/${tenantId}`);
    expect(tenant).toMatchObject({ shardId: lightest.shardId, name });
    await expect(lightRow).toHaveText(String(tenantsBefore + 1));
  } finally {
    await deleteTenantFromDirectory(tenantId);
  }
});

test('an admin marks a shard draining behind a confirmation, and new tenants can no longer be put on it', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await page.goto('/balance');
  const row = page.locator('[data-testid="shard-balance-row"][data-shard-id="shard-2"]');
  await expect(row).toHaveAttribute('data-status', 'active');
  const shardChoice = page.getByTestId('new-tenant-shard').locator('option[value="shard-2"]');
  await expect(shardChoice).toHaveCount(1);

  try {
    await row.getByRole('button', { name: 'Mark draining…' }).click();
    const confirm = row.getByRole('group', { name: 'confirm status change of shard-2' });
    await expect(confirm).toContainText('New tenants stop landing on it');
    await confirm.getByRole('button', { name: 'Yes, mark draining' }).click();
    await expect(row).toHaveAttribute('data-status', 'draining');
    await expect(row.getByTestId('shard-status')).toHaveText('draining');
    await expect(shardChoice).toHaveCount(0);

    await row.getByRole('button', { name: 'Mark active…' }).click();
    await row.getByRole('button', { name: 'Yes, mark active' }).click();
    await expect(row).toHaveAttribute('data-status', 'active');
    await expect(shardChoice).toHaveCount(1);
  } finally {
    const response = await page.request.patch('/api/shards/shard-2', { data: { status: 'active' }, headers: { origin: E2E_BASE_URL } });
    expect(response.status(), await response.text()).toBe(200);
  }
});
