import type { Locator, Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import { signInThroughTheForm } from './helpers';

// The worker beside the server samples every 2 s (SHARDSCOPE_SAMPLE_INTERVAL_S in e2e-env.ts) and the
// charts poll every 15 s: two polls are enough for a few buckets to hold values.
const FIRST_POINTS_TIMEOUT_MS = 35_000;

test.describe.configure({ timeout: 90_000 });

function chart(page: Page, metric: string): Locator {
  return page.locator(`[data-testid="history-chart"][data-metric="${metric}"]`);
}

async function expectPoints(locator: Locator, atLeast: number): Promise<void> {
  await expect
    .poll(async () => Number((await locator.getAttribute('data-points')) ?? 0), { timeout: FIRST_POINTS_TIMEOUT_MS, intervals: [1_000] })
    .toBeGreaterThanOrEqual(atLeast);
}

test('the overview draws per-shard history from the worker and refetches it when the range changes', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  for (const metric of ['connections_pct', 'tps', 'replica_lag_seconds', 'cache_hit_pct', 'pool_waiting']) {
    await expect(chart(page, metric)).toBeVisible();
  }

  const tps = chart(page, 'tps');
  await expectPoints(tps, 2);
  // One line per shard on the overview.
  await expect(tps).toHaveAttribute('data-series', '2');
  await expect(tps).toHaveAttribute('data-range', '1h');
  await expect(page.getByTestId('worker-status')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('worker-status')).toContainText('last sample');

  const picker = page.getByTestId('range-picker');
  await expect(picker.getByRole('button', { name: '1h' })).toHaveAttribute('aria-pressed', 'true');
  const sixHourTps = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/history' && url.searchParams.get('metric') === 'tps' && url.searchParams.get('range') === '6h';
  });
  await picker.getByRole('button', { name: '6h' }).click();
  const response = await sixHourTps;
  expect(response.status()).toBe(200);
  const { stepSeconds } = (await response.json()) as { stepSeconds: number };

  await expect(page).toHaveURL(/[?&]range=6h\b/);
  await expect(picker.getByRole('button', { name: '6h' })).toHaveAttribute('aria-pressed', 'true');
  await expect(picker.getByRole('button', { name: '1h' })).toHaveAttribute('aria-pressed', 'false');
  await expect(tps).toHaveAttribute('data-range', '6h');
  await expect(tps).toHaveAttribute('data-step-seconds', String(stepSeconds));
  await expectPoints(tps, 2);

  // The range survives a reload: it lives in the URL.
  await page.reload();
  await expect(page.getByTestId('range-picker').getByRole('button', { name: '6h' })).toHaveAttribute('aria-pressed', 'true');
});

test('the shard page draws one line per node of the shard', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await page.goto('/shards/shard-1');
  await expect(page.getByRole('heading', { name: 'Shard 1', level: 1 })).toBeVisible();
  for (const metric of ['connections_pct', 'tps', 'replica_lag_seconds', 'replica_lag_bytes', 'cache_hit_pct', 'pool_waiting', 'cpu_pct', 'disk_pct']) {
    await expect(chart(page, metric)).toBeVisible();
  }
  const connections = chart(page, 'connections_pct');
  await expectPoints(connections, 2);
  // shard-1-primary and shard-1-replica-1.
  await expect(connections).toHaveAttribute('data-series', '2');
  await expect(connections.locator('.recharts-legend-wrapper')).toContainText('shard-1-primary');
  await expect(connections.locator('.recharts-legend-wrapper')).toContainText('shard-1-replica-1');
  await expectPoints(chart(page, 'cpu_pct'), 1);
});

test('a bad range in the URL falls back to 1h instead of failing the page', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await page.goto('/?range=90d');
  await expect(page.getByTestId('range-picker').getByRole('button', { name: '1h' })).toHaveAttribute('aria-pressed', 'true');
  await expect(chart(page, 'tps')).toHaveAttribute('data-range', '1h');
});
