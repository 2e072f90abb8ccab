import { readFile } from 'node:fs/promises';
import type { AlertRuleList } from '@/lib/alerts/rule-validation';
import { expect, test } from './csp-guard';
import { E2E_BASE_URL } from './e2e-env';
import { signInThroughTheForm } from './helpers';

test.describe.configure({ timeout: 90_000 });

/** One field and what ends it; a quoted field may hold commas, doubled quotes and line breaks (RFC 4180). */
const CSV_FIELD = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r\n)/y;

function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  CSV_FIELD.lastIndex = 0;
  while (CSV_FIELD.lastIndex < text.length) {
    const match = CSV_FIELD.exec(text);
    if (!match) throw new Error(`not CSV at character ${CSV_FIELD.lastIndex}`);
    record.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]);
    if (match[3] === '\r\n') {
      records.push(record);
      record = [];
    }
  }
  expect(record).toEqual([]);
  return records;
}

test('an admin filters the audit log, opens an edit with before and after, and exports the filter', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  const { rules } = (await (await page.request.get('/api/alert-rules')).json()) as AlertRuleList;
  const rule = rules.find((candidate) => candidate.metric === 'replica_lag_seconds' && candidate.scope === 'fleet')!;
  const warningBefore = rule.warning;
  if (warningBefore === null) throw new Error('the seeded replica lag rule has a warning threshold');
  const putRule = (warning: number) =>
    page.request.put(`/api/alert-rules/${rule.id}`, {
      data: { warning, critical: rule.critical, forSeconds: rule.forSeconds, enabled: rule.enabled },
      headers: { origin: E2E_BASE_URL },
    });
  expect((await putRule(warningBefore + 2)).status()).toBe(200);

  try {
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();

    await page.getByTestId('audit-filter-actor').fill('admin');
    await page.getByTestId('audit-filter-action').fill('alert_rule.');
    await page.getByTestId('audit-filter-result').selectOption('ok');
    await page.getByTestId('audit-filter-apply').click();
    await expect(page).toHaveURL(/[?&]action=alert_rule\.(&|$)/);
    await expect(page).toHaveURL(/[?&]actor=admin(&|$)/);

    const rows = page.getByTestId('audit-row');
    await expect(rows.first()).toHaveAttribute('data-action', 'alert_rule.update');
    const actions = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-action') ?? ''));
    expect(actions.every((action) => action.startsWith('alert_rule.'))).toBe(true);
    const shownIds = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-id') ?? ''));

    // The newest row is the edit above: its detail lines up before and after, the changed key marked.
    const newest = rows.first();
    await newest.getByTestId('audit-row-toggle').click();
    const warning = newest.locator('[data-testid="audit-diff-field"][data-field="warning"]');
    await expect(warning).toHaveAttribute('data-changed', 'true');
    await expect(warning.getByTestId('audit-diff-before')).toHaveText(String(warningBefore));
    await expect(warning.getByTestId('audit-diff-after')).toHaveText(String(warningBefore + 2));
    await expect(newest.locator('[data-testid="audit-diff-field"][data-field="critical"]')).toHaveAttribute('data-changed', 'false');

    // The filter survives a reload: it lives in the URL.
    await page.reload();
    await expect(page.getByTestId('audit-filter-action')).toHaveValue('alert_rule.');
    await expect(page.getByTestId('audit-row').first()).toHaveAttribute('data-id', shownIds[0]);

    const downloading = page.waitForEvent('download');
    await page.getByTestId('audit-export').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^shardscope-audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/);
    const [header, ...exported] = csvRecords(await readFile((await download.path())!, 'utf8'));
    expect(header).toEqual(['id', 'at', 'actor', 'actor_role', 'action', 'target', 'result', 'detail']);
    expect(exported.map((row) => row[0]).slice(0, shownIds.length)).toEqual(shownIds);
    expect(exported.every((row) => row[2] === 'admin' && row[4].startsWith('alert_rule.') && row[6] === 'ok')).toBe(true);
    expect(JSON.parse(exported[0][7])).toMatchObject({ before: { warning: warningBefore }, after: { warning: warningBefore + 2 } });

    await page.getByRole('link', { name: 'Clear' }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByTestId('audit-filter-action')).toHaveValue('');
  } finally {
    // Other specs read the seeded defaults.
    expect((await putRule(warningBefore)).status()).toBe(200);
  }
});

test('a bad filter in the URL names its field instead of showing rows', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await page.goto('/audit?from=yesterday');
  await expect(page.getByTestId('audit-filter-error')).toContainText('from');
  await expect(page.getByTestId('audit-log')).toHaveCount(0);
});

test('the audit page is for admins', async ({ page }) => {
  await signInThroughTheForm(page, 'operator');
  await expect(page.getByRole('link', { name: 'Audit', exact: true })).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toHaveCount(0);
});
