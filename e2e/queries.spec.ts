import type { Locator, Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import { loadStatementsFor } from '@/lib/demo/load-queries';
import { connectAsApp } from './fleet-db';
import { signInThroughTheForm } from './helpers';

/**
 * The e2e sandbox runs no demo load: the spec plays the application and runs
 * the demo's own slow statements (the unindexed event search and the waiting
 * report) on both shards first, so the fleet view has a known statement with
 * known calls. The "since reset" window reads the nodes' counters live, so
 * the statements show without waiting for the worker's next snapshot.
 */
const DEMO = loadStatementsFor(null);
const SEARCH_FRAGMENT = 'payload::text ilike';
const REPORT_FRAGMENT = 'pg_sleep';
const CALLS_PER_SHARD = 3;
const SHARDS = [1, 2] as const;

const tenantOnShard = new Map<number, string>();

test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  for (const shard of SHARDS) {
    const app = await connectAsApp(shard, 'e2e-queries');
    try {
      // The shard's busiest shared-layout tenant: the search scans all of its events.
      const { rows } = await app.query('select tenant_id from events group by tenant_id order by count(*) desc limit 1');
      const tenantId = rows[0].tenant_id as string;
      tenantOnShard.set(shard, tenantId);
      for (let call = 0; call < CALLS_PER_SHARD; call += 1) {
        await app.query(DEMO.UNINDEXED_EVENT_SEARCH, [tenantId, '%e2e-queries%']);
        await app.query(DEMO.SLOW_WAITING_REPORT, [tenantId, 0.05]);
      }
    } finally {
      await app.end();
    }
  }
});

/** A value for each `$n` of the demo's event search, read off its normalized text (pg_stat_statements numbers the constants it replaced). */
async function fillSearchParameters(page: Page, shard: number): Promise<void> {
  const text = (await page.getByTestId('statement-text').textContent()) ?? '';
  const valueOf = (n: number): string => {
    if (new RegExp(`tenant_id = \\$${n}\\b`).test(text)) return tenantOnShard.get(shard)!;
    if (new RegExp(`ilike \\$${n}\\b`).test(text)) return '%lorem%';
    if (new RegExp(`->> \\$${n}\\b`).test(text)) return 'path';
    if (new RegExp(`limit \\$${n}\\b`).test(text)) return '20';
    throw new Error(`no value known for $${n} in ${text}`);
  };
  const inputs = page.getByTestId('explain-param');
  const count = await inputs.count();
  expect(count).toBeGreaterThanOrEqual(2);
  for (let index = 0; index < count; index += 1) await inputs.nth(index).fill(valueOf(index + 1));
}

function statementRow(page: Page, fragment: string): Locator {
  return page.getByTestId('statement-row').filter({ has: page.getByTestId('statement-link').filter({ hasText: fragment }) });
}

/**
 * Opens the demo's event search from the queries page, since the last reset, as run by the application's role
 * (the console's own EXPLAINs of it are statements too, run by the monitoring role).
 */
async function openSearchStatement(page: Page): Promise<void> {
  await page.goto(`/queries?window=reset&user=app&q=${encodeURIComponent(SEARCH_FRAGMENT)}`);
  await expect(page.getByTestId('statements-report')).toHaveAttribute('data-window', 'reset');
  await statementRow(page, SEARCH_FRAGMENT).getByTestId('statement-link').click();
  await expect(page.getByTestId('statement-text')).toContainText(SEARCH_FRAGMENT);
}

test("the queries page lists the demo's slow statements once for the fleet, each shard's calls under it", async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await page.getByRole('link', { name: 'Queries', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Queries', level: 1 })).toBeVisible();
  await expect(page.getByTestId('statements-report')).toHaveAttribute('data-window', '1h');

  // Since the last reset: live counters, so the statements just run are in.
  await page.getByTestId('window-picker').getByRole('button', { name: 'since reset' }).click();
  await expect(page).toHaveURL(/[?&]window=reset(&|$)/);
  const report = page.getByTestId('statements-report');
  await expect(report).toHaveAttribute('data-window', 'reset');
  await expect(page.getByTestId('statements-source')).toHaveAttribute('data-source', 'live');

  // The application's statements (the console's own sampling runs as another role), merged across shards:
  // one row per statement for the fleet, whichever shard ran it.
  await page.getByTestId('statements-user').fill('app');
  await expect(page).toHaveURL(/[?&]user=app(&|$)/);
  await expect(report).toHaveAttribute('data-window', 'reset');
  for (const fragment of [SEARCH_FRAGMENT, REPORT_FRAGMENT]) await expect(statementRow(page, fragment)).toHaveCount(1);

  // The text filter narrows to the search; it goes into the URL.
  await page.getByTestId('statements-search').fill(SEARCH_FRAGMENT);
  await expect(page).toHaveURL(/[?&]q=payload/);
  await expect(statementRow(page, REPORT_FRAGMENT)).toHaveCount(0);
  const search = statementRow(page, SEARCH_FRAGMENT);
  await expect(search).toHaveCount(1);
  expect(Number(await search.getAttribute('data-calls'))).toBeGreaterThanOrEqual(CALLS_PER_SHARD * SHARDS.length);

  // Expanded: each shard with its calls and share of the statement's time.
  await search.getByTestId('statement-expand').click();
  const hash = await search.getAttribute('data-statement-hash');
  for (const shard of SHARDS) {
    const shardRow = page.locator(`[data-testid="statement-shard-row"][data-statement-hash="${hash}"][data-shard-id="shard-${shard}"]`);
    await expect(shardRow).toBeVisible();
    expect(Number(await shardRow.getAttribute('data-calls'))).toBeGreaterThanOrEqual(CALLS_PER_SHARD);
  }

  // Sorting by mean time is the server's: the header changes the URL and the report answers for it.
  await page.getByRole('button', { name: /^Mean/ }).click();
  await expect(page).toHaveURL(/[?&]sort=mean_time(&|$)/);
  await expect(report).toHaveAttribute('data-sort', 'mean_time');
});

test('an operator opens a statement and EXPLAINs it on a replica: the plan renders as a tree', async ({ page }) => {
  await signInThroughTheForm(page, 'operator');
  await openSearchStatement(page);
  await expect(page.getByTestId('statement-header')).toBeVisible();
  await expect(page.locator('[data-testid="detail-shard-row"][data-shard-id="shard-1"]')).toBeVisible();
  await expect(page.getByTestId('statement-chart')).toHaveCount(3);

  // Plain EXPLAIN for an operator: no ANALYZE option; the node defaults to a replica of a shard it runs on.
  await expect(page.getByTestId('explain-analyze')).toHaveCount(0);
  const node = page.getByTestId('explain-node');
  await expect(node).toHaveValue(/^shard-\d-replica-1$/);
  const shard = Number(/^shard-(\d)/.exec(await node.inputValue())![1]);
  await fillSearchParameters(page, shard);

  const explained = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/queries/explain');
  await page.getByTestId('explain-button').click();
  const response = await explained;
  expect(response.status(), await response.text()).toBe(200);
  expect(response.request().postDataJSON()).toMatchObject({ nodeId: `shard-${shard}-replica-1`, analyze: false });

  const result = page.getByTestId('explain-result');
  await expect(result).toHaveAttribute('data-analyze', 'false');
  const tree = page.getByTestId('plan-tree');
  await expect(tree).toBeVisible();
  // Limit → Sort → a scan of events: nested nodes, the scan naming its relation and its filter.
  await expect(tree.locator('[data-testid="plan-node"][data-depth="0"]')).toHaveCount(1);
  await expect(tree.locator('[data-testid="plan-node"][data-depth="1"]').first()).toBeVisible();
  await expect(tree.getByTestId('plan-node').filter({ hasText: 'events' }).first()).toContainText('est ');
  await expect(tree.getByTestId('plan-costly').first()).toBeVisible();

  await page.getByTestId('raw-plan-toggle').click();
  await expect(page.getByTestId('raw-plan')).toContainText('"Plan"');
});

test('an admin runs EXPLAIN ANALYZE; a second command in the text is refused next to the statement', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await openSearchStatement(page);
  const shard = Number(/^shard-(\d)/.exec(await page.getByTestId('explain-node').inputValue())![1]);
  await fillSearchParameters(page, shard);
  await page.getByTestId('explain-analyze').check();
  await page.getByTestId('explain-button').click();
  const result = page.getByTestId('explain-result');
  await expect(result).toHaveAttribute('data-analyze', 'true');
  // Analyzed: actual rows against the estimate, and time per node.
  await expect(page.getByTestId('plan-tree').getByTestId('plan-node').first()).toContainText('actual');
  await expect(page.getByTestId('plan-tree').getByTestId('plan-node').first()).toContainText(/ms|µs/);

  // A pasted text with two commands: the server refuses it, and the form says so under the statement.
  await page.getByTestId('explain-statement').fill('select 1; select 2');
  await expect(page.getByTestId('explain-param')).toHaveCount(0);
  await page.getByTestId('explain-button').click();
  await expect(page.locator('[data-testid="field-error"][data-field="statement"]')).toBeVisible();
  // The last plan stays on screen after a refusal.
  await expect(result).toHaveAttribute('data-analyze', 'true');
});

test('a viewer reads a statement and the index advice but gets no EXPLAIN, ANALYZE or reset control', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await openSearchStatement(page);
  await expect(page.getByTestId('explain-operators-only')).toBeVisible();
  await expect(page.getByTestId('explain-analyze')).toHaveCount(0);
  await expect(page.getByTestId('explain-button')).toHaveCount(0);
  await expect(page.getByTestId('suggest-index-button')).toHaveCount(0);

  await page.goto('/shards/shard-1');
  await page.getByTestId('index-advice-link').click();
  await expect(page).toHaveURL(/\/shards\/shard-1\/indexes$/);
  await expect(page.getByTestId('index-advice')).toHaveAttribute('data-node-id', 'shard-1-primary');
  await expect(page.getByTestId('stats-reset')).toBeVisible();
  await expect(page.getByTestId('advice-section')).toHaveCount(7);
  await expect(page.getByTestId('statements-reset')).toHaveCount(0);
  await expect(page.getByTestId('reset-button')).toHaveCount(0);
});
