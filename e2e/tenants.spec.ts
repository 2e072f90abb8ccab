import type { Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import type { Limits, TenantDirectoryPage, TenantUsage, TierList } from '@/lib/tenants/tenant-model';
import { E2E_BASE_URL } from './e2e-env';
import { sandbox, signInThroughTheForm } from './helpers';

// The worker beside the server measures storage and users every 5 s (SHARDSCOPE_TENANT_STORAGE_INTERVAL_S in
// e2e-env.ts); its first round runs while the server builds, but a slow shard can take a few rounds.
const MEASURED_TIMEOUT_MS = 60_000;

test.describe.configure({ timeout: 120_000 });

async function directoryIds(page: Page): Promise<string[]> {
  // Settled: no fetch in flight and no previous page standing in for the asked one.
  await expect(page.getByTestId('tenant-directory')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('.directory-table')).not.toHaveClass(/refreshing/);
  return page.getByTestId('tenant-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-tenant-id')!));
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

test('a viewer finds a tenant by part of its name, opens it and sees its usage bars and cache chart', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Tenants', level: 1 })).toBeVisible();
  // Viewers get no Tiers link (the page and the API refuse them too).
  await expect(page.getByRole('link', { name: 'Tiers', exact: true })).toHaveCount(0);

  const rows = page.getByTestId('tenant-row');
  await expect(rows.first()).toBeVisible();
  const allIds = await directoryIds(page);
  expect(allIds.length).toBeGreaterThan(1);

  // Sorting is the server's: a header click asks for the page sorted that way, biggest first for amounts.
  const storageSorted = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/tenants' && url.searchParams.get('sort') === 'storage' && url.searchParams.get('dir') === 'desc';
  });
  await page.getByRole('button', { name: 'Storage' }).click();
  const sortedPage = (await (await storageSorted).json()) as TenantDirectoryPage;
  await expect(page).toHaveURL(/[?&]sort=storage&dir=desc(&|$)/);
  await expect(page.getByRole('columnheader', { name: /Storage/ })).toHaveAttribute('aria-sort', 'descending');
  expect(await directoryIds(page)).toEqual(sortedPage.tenants.map((tenant) => tenant.id));
  await page.getByRole('button', { name: 'Storage' }).click();
  await expect(page).toHaveURL(/[?&]sort=storage&dir=asc(&|$)/);
  await expect(page.getByRole('columnheader', { name: /Storage/ })).toHaveAttribute('aria-sort', 'ascending');

  // A tenant from the middle of the first page, searched by a substring that is not a prefix of its name.
  const target = rows.nth(Math.floor(allIds.length / 2));
  const tenantId = (await target.getAttribute('data-tenant-id'))!;
  const name = await target.getByTestId('tenant-link').innerText();
  const part = name.slice(2);
  await page.getByTestId('tenant-search').fill(part);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(part)}(&|$)`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-tenant-id', tenantId);
  await expect(rows.first().getByTestId('tenant-link')).toHaveText(name);
  await expect(page.getByTestId('directory-freshness')).toContainText('Sorting and limit filters use usage');

  // Keyboard: the name is a link reachable by Tab; Enter opens the tenant.
  const link = rows.first().getByTestId('tenant-link');
  await link.focus();
  await link.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/tenants/${tenantId}$`));
  await expect(page.getByTestId('tenant-name')).toHaveText(name);
  await expect(page.getByTestId('tenant-id')).toHaveText(tenantId);

  const usage = await apiJson<TenantUsage>(page, `/api/tenants/${tenantId}/usage`);
  const bars = page.getByTestId('usage-bar');
  await expect(bars).toHaveCount(4);
  const limits: Record<string, number> = {
    connections: usage.limits.maxConnections,
    apiCalls: usage.limits.maxApiCallsPerHour,
    storage: usage.limits.maxStorageBytes,
    users: usage.limits.maxUsers,
  };
  for (const [kind, limit] of Object.entries(limits)) {
    const bar = page.locator(`[data-testid="usage-bar"][data-kind="${kind}"]`);
    await expect(bar).toHaveAttribute('data-limit', String(limit));
    await expect(bar.getByTestId('usage-source')).not.toBeEmpty();
  }
  // Users and storage come from the worker's measurement: the bars fill once it has run, and say when.
  const usersBar = page.locator('[data-testid="usage-bar"][data-kind="users"]');
  await expect(usersBar).not.toHaveAttribute('data-used', '', { timeout: MEASURED_TIMEOUT_MS });
  expect(Number(await usersBar.getAttribute('data-used'))).toBeGreaterThanOrEqual(1);
  await expect(usersBar.getByTestId('usage-source')).toContainText(/measured \d+ (s|min) ago/);

  // The seed wrote 24 h of counters: the chart has hours with traffic and the hit rate matches the API's.
  const cacheChart = page.getByTestId('cache-chart');
  await expect(cacheChart).toBeVisible();
  expect(usage.countersAvailable).toBe(true);
  const cacheHours = usage.hours.filter((hour) => hour.cacheHit + hour.cacheMiss + hour.cacheSet + hour.cacheInvalidate > 0).length;
  expect(cacheHours).toBeGreaterThan(0);
  await expect(cacheChart).toHaveAttribute('data-hours', String(cacheHours));
  await expect(cacheChart.locator('.recharts-line')).toHaveCount(4);
  expect(usage.cache?.hitRate24h).not.toBeNull();
  await expect(page.getByTestId('cache-hit-rate-24h')).toContainText(`${Number((usage.cache!.hitRate24h! * 100).toFixed(1))} %`);
  await expect(page.getByTestId('api-chart')).toBeVisible();

  // Back returns to the filtered list, as the URL kept it.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(part)}(&|$)`));
  await expect(page.getByTestId('tenant-search')).toHaveValue(part);
  await expect(rows).toHaveCount(1);

  // The tier editor is for admins only.
  await page.goto('/settings/tiers');
  await expect(page.getByTestId('admins-only')).toBeVisible();
  await expect(page.getByTestId('tier-editor')).toHaveCount(0);
});

test('an admin lowers the free tier user limit and the "over a limit" list grows by the free tenants', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  const { tiers } = await apiJson<TierList>(page, '/api/tiers');
  const free = tiers.find((tier) => tier.tier === 'free')!;
  const original: Limits = {
    maxConnections: free.maxConnections,
    maxApiCallsPerHour: free.maxApiCallsPerHour,
    maxStorageBytes: free.maxStorageBytes,
    maxUsers: free.maxUsers,
  };
  expect(original.maxUsers).toBeGreaterThan(1);

  try {
    // Every free tenant has at least one user once the worker has counted them.
    let freeIds: string[] = [];
    await expect
      .poll(
        async () => {
          const directory = await apiJson<TenantDirectoryPage>(page, '/api/tenants?tier=free&pageSize=200');
          freeIds = directory.tenants.map((tenant) => tenant.id);
          return directory.tenants.length > 0 && directory.tenants.every((tenant) => tenant.users !== null && tenant.users >= 1);
        },
        { timeout: MEASURED_TIMEOUT_MS, intervals: [1_000] },
      )
      .toBe(true);

    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await page.getByLabel('Limits').selectOption('over');
    await expect(page).toHaveURL(/[?&]limit=over(&|$)/);
    const overBefore = await directoryIds(page);
    // The filter agrees with the numbers on the rows.
    for (const state of await page.getByTestId('tenant-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-limit-state')))) {
      expect(state).toBe('over');
    }
    const freeNotOver = freeIds.filter((id) => !overBefore.includes(id));
    // Otherwise lowering the limit could not show anything new.
    expect(freeNotOver.length).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Tiers', exact: true }).click();
    const freeRow = page.locator('[data-testid="tier-row"][data-tier="free"]');
    const usersInput = freeRow.getByLabel('free users', { exact: true });
    await expect(usersInput).toHaveValue(String(original.maxUsers));
    const save = freeRow.getByRole('button', { name: 'Save free' });

    // Client-side checks mirror the server's: zero is refused before any request.
    await usersInput.fill('0');
    await expect(freeRow.getByText('must be above zero')).toBeVisible();
    await expect(save).toBeDisabled();

    await usersInput.fill('1');
    await expect(freeRow.getByTestId('tier-impact')).toContainText(`${freeIds.length} of ${freeIds.length} free tenants would be at or over the new limits`);
    await save.click();
    await expect(freeRow.getByTestId('tier-saved')).toContainText(`users ${original.maxUsers} → 1`);
    await expect(usersInput).toHaveValue('1');

    await page.goBack();
    await expect(page).toHaveURL(/[?&]limit=over(&|$)/);
    await expect.poll(async () => (await directoryIds(page)).length).toBeGreaterThan(overBefore.length);
    const overAfter = await directoryIds(page);
    for (const id of freeIds) expect(overAfter, `free tenant ${id} is over its user limit of 1`).toContain(id);
    for (const id of freeNotOver) {
      await expect(page.locator(`[data-testid="tenant-row"][data-tenant-id="${id}"] [data-testid="peak-limit"]`)).toContainText('over limit');
    }
  } finally {
    const response = await page.request.put('/api/tiers/free', { data: { ...original, confirmOrder: true }, headers: { origin: E2E_BASE_URL } });
    expect(response.status(), await response.text()).toBe(200);
  }
});

test('a tenant whose shard is down keeps its directory data and says "shard down" for its live numbers', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  const { tenants } = await apiJson<TenantDirectoryPage>(page, '/api/tenants?shardId=shard-2&pageSize=200');
  expect(tenants.length).toBeGreaterThan(0);
  const tenant = tenants[0];

  sandbox('stop-node', 'shard-2-replica-1');
  sandbox('stop-node', 'shard-2-primary');
  try {
    await page.goto(`/tenants/${tenant.id}`);
    await expect(page.getByTestId('tenant-name')).toHaveText(tenant.name);
    await expect(page.getByTestId('shard-down')).toBeVisible();
    const connections = page.locator('[data-testid="usage-bar"][data-kind="connections"]');
    await expect(connections).toHaveAttribute('data-state', 'unknown');
    await expect(connections).toHaveAttribute('data-used', '');
    await expect(connections.getByTestId('usage-unavailable')).toContainText('shard down');
    await expect(page.getByTestId('sessions-shard-down')).toBeVisible();
    await expect(page.locator('[data-testid="tenant-node-sessions"][data-node-id="shard-2-primary"]')).toContainText('down');
    // What the control DB and Redis hold does not depend on the shard. Read once the shard is down: until then the worker may
    // still re-measure the tenant (e2e/moves.spec.ts moves tenants onto shard-2 just before).
    const { tenants: listed } = await apiJson<TenantDirectoryPage>(page, `/api/tenants?shardId=shard-2&pageSize=200&q=${encodeURIComponent(tenant.name)}`);
    const storageBytes = listed.find((row) => row.id === tenant.id)?.storageBytes ?? null;
    if (storageBytes !== null) {
      await expect(page.locator('[data-testid="usage-bar"][data-kind="storage"]')).toHaveAttribute('data-used', String(storageBytes));
    }
    await expect(page.getByTestId('cache-chart')).toBeVisible();

    // The directory still lists the tenant with its tier and shard.
    await page.goto(`/tenants?shardId=shard-2&q=${encodeURIComponent(tenant.name)}`);
    const row = page.locator(`[data-testid="tenant-row"][data-tenant-id="${tenant.id}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(tenant.tier);
  } finally {
    sandbox('start-node', 'shard-2-primary');
    sandbox('start-node', 'shard-2-replica-1');
  }
});
