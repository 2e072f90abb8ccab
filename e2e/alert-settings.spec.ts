import { expect, test } from './csp-guard';
import type { AlertRule } from '@/lib/alerts/alert-model';
import type { AlertRuleList } from '@/lib/alerts/rule-validation';
import { E2E_BASE_URL } from './e2e-env';
import { signInThroughTheForm } from './helpers';

test.describe.configure({ timeout: 90_000 });

test('an admin raises the replica lag warning, sees it in recent changes, and a critical below the warning is refused', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  const list = (await (await page.request.get('/api/alert-rules')).json()) as AlertRuleList;
  const seeded = list.rules.find((rule) => rule.metric === 'replica_lag_seconds' && rule.scope === 'fleet')!;
  expect(seeded).toMatchObject({ warning: 1, critical: 10 });
  const putPath = `/api/alert-rules/${seeded.id}`;
  const isPut = (response: { url(): string; request(): { method(): string } }) =>
    new URL(response.url()).pathname === putPath && response.request().method() === 'PUT';

  try {
    // Opened directly: the page needs no link to it.
    await page.goto('/settings/alerts');
    await expect(page.getByRole('heading', { name: 'Alert rules', level: 1 })).toBeVisible();
    const lagRow = page.locator(`[data-testid="rule-row"][data-rule-id="${seeded.id}"]`);
    await expect(lagRow).toHaveAttribute('data-metric', 'replica_lag_seconds');
    await expect(page.locator('[data-testid="rule-group"][data-metric="replica_lag_seconds"]')).toContainText('Replica lag');
    const warning = lagRow.getByTestId('rule-warning');
    const critical = lagRow.getByTestId('rule-critical');
    await expect(warning).toHaveValue('1');
    await expect(critical).toHaveValue('10');

    await warning.fill('2');
    const saved = page.waitForResponse(isPut);
    await lagRow.getByTestId('rule-save').click();
    expect((await saved).status()).toBe(200);
    await expect(page.getByTestId('rule-saved')).toContainText('warning 1 s → 2 s');
    await expect(warning).toHaveValue('2');

    // Recent changes (the audit log): who, and the field before → after.
    const change = page.locator(`[data-testid="rule-change"][data-target="alert_rule:${seeded.id}"]`).first();
    await expect(change).toHaveAttribute('data-action', 'alert_rule.update');
    await expect(change).toContainText('admin');
    await expect(change).toContainText('Replica lag');
    const changedField = change.getByTestId('rule-change-field');
    await expect(changedField).toHaveCount(1);
    await expect(changedField).toHaveAttribute('data-field', 'warning');
    await expect(changedField).toHaveAttribute('data-before', '1');
    await expect(changedField).toHaveAttribute('data-after', '2');
    await expect(changedField).toHaveText('warning 1 s → 2 s');

    // A critical below the warning: the server's 400 shows next to the critical input, and nothing is saved.
    const changesOfRule = page.locator(`[data-testid="rule-change"][data-target="alert_rule:${seeded.id}"]`);
    const changeCount = await changesOfRule.count();
    await critical.fill('1');
    const refused = page.waitForResponse(isPut);
    await lagRow.getByTestId('rule-save').click();
    expect((await refused).status()).toBe(400);
    const error = lagRow.locator('[data-testid="rule-error"][data-field="critical"]');
    await expect(error).toHaveText("critical (1 s) must be above warning (2 s) for a '>' rule");
    await expect(critical).toHaveAttribute('aria-invalid', 'true');
    const after = ((await (await page.request.get('/api/alert-rules')).json()) as AlertRuleList).rules.find((rule) => rule.id === seeded.id) as AlertRule;
    expect(after).toMatchObject({ warning: 2, critical: 10 });
    await page.reload();
    await expect(lagRow.getByTestId('rule-critical')).toHaveValue('10');
    await expect(changesOfRule.first()).toBeVisible();
    await expect(changesOfRule).toHaveCount(changeCount);
  } finally {
    // Other specs read the seeded defaults.
    const response = await page.request.put(putPath, {
      data: { warning: seeded.warning, critical: seeded.critical, forSeconds: seeded.forSeconds, enabled: seeded.enabled },
      headers: { origin: E2E_BASE_URL },
    });
    expect(response.status(), await response.text()).toBe(200);
  }
});

test('an admin adds an override for one replica, sees it under its metric, and removes it', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await page.goto('/settings/alerts');
  const group = page.locator('[data-testid="rule-group"][data-metric="replica_lag_seconds"]');
  await expect(group.getByTestId('rule-row')).toHaveCount(1);

  const form = page.getByTestId('add-override');
  await form.getByTestId('override-metric').selectOption('replica_lag_seconds');
  await form.getByTestId('override-shard').selectOption('shard-1');
  // Replica lag means nothing on a primary: only the replica is offered.
  await expect(form.getByTestId('override-node').locator('option')).toHaveText(['whole shard', 'shard-1-replica-1 (replica)']);
  await form.getByTestId('override-node').selectOption('shard-1-replica-1');
  await form.getByTestId('override-add').click();
  await expect(form.getByTestId('override-added')).toContainText('Node shard-1-replica-1 (shard-1)');

  const override = group.locator('[data-testid="rule-row"][data-scope="node"]');
  try {
    await expect(group.getByTestId('rule-row')).toHaveCount(2);
    // Listed after the fleet default, starting from its values.
    await expect(group.getByTestId('rule-row').first()).toHaveAttribute('data-scope', 'fleet');
    await expect(override.getByTestId('rule-warning')).toHaveValue('1');
    await expect(override.getByTestId('rule-critical')).toHaveValue('10');

    // The same target twice: the 409 shows next to the node.
    await form.getByTestId('override-add').click();
    await expect(form.locator('[data-testid="override-error"][data-field="nodeId"]')).toContainText('already has an override');

    await override.getByTestId('rule-remove').click();
    await expect(group.getByTestId('rule-row')).toHaveCount(1);
    const changes = page.getByTestId('rule-change');
    await expect(changes.first()).toHaveAttribute('data-action', 'alert_rule.delete');
    await expect(changes.nth(1)).toHaveAttribute('data-action', 'alert_rule.create');
    await expect(changes.first()).toContainText('removed Replica lag · Node shard-1-replica-1 (shard-1)');
  } finally {
    const id = await override.getAttribute('data-rule-id', { timeout: 1_000 }).catch(() => null);
    if (id) await page.request.delete(`/api/alert-rules/${id}`, { headers: { origin: E2E_BASE_URL } });
  }
});

test('the alert settings page is for admins only', async ({ page }) => {
  await signInThroughTheForm(page, 'operator');
  await page.goto('/settings/alerts');
  await expect(page).toHaveURL(`${E2E_BASE_URL}/`);
  await expect(page.getByTestId('alert-rules')).toHaveCount(0);
});
