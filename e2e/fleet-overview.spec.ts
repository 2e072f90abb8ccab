import { expect, test } from './csp-guard';
import { sandbox, signInThroughTheForm } from './helpers';

test('an admin signs in and sees 2 shards and 4 nodes, all up, with live numbers', async ({ page }) => {
  await signInThroughTheForm(page, 'admin');
  await expect(page.getByRole('heading', { name: 'Fleet overview' })).toBeVisible();
  await expect(page.getByTestId('shard-card')).toHaveCount(2);
  await expect(page.getByTestId('node-row')).toHaveCount(4);
  await expect(page.locator('[data-testid="node-row"][data-status="up"]')).toHaveCount(4);
  // Connections used out of max_connections, read live from each node.
  await expect(page.getByTestId('node-row').first()).toContainText(/\d+ \/ 100/);
  await expect(page.locator('[data-testid="pooler-status"][data-status="up"]')).toHaveCount(2);
});

test('a replica whose postmaster stops turns "down" within one poll, and back "up" after restart', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  const replica = page.locator('[data-testid="node-row"][data-node-id="shard-1-replica-1"]');
  await expect(replica).toHaveAttribute('data-status', 'up');
  sandbox('stop-node', 'shard-1-replica-1');
  try {
    // One poll is 5 s; the probe of a dead node answers in well under 2 s.
    await expect(replica).toHaveAttribute('data-status', 'down', { timeout: 8_000 });
    await expect(page.locator('[data-shard-id="shard-1"] [data-testid="shard-health"]')).toHaveText('degraded');
  } finally {
    sandbox('start-node', 'shard-1-replica-1');
  }
  await expect(replica).toHaveAttribute('data-status', 'up', { timeout: 15_000 });
});

test('a wrong password is refused on the form', async ({ page }) => {
  await page.goto('/login');
  // A name nobody has: one failure counts against it and this browser's address (127.0.0.1), never against admin.
  await page.getByLabel('User').fill('nobody-here');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'wrong' })).toHaveText('wrong user name or password');
});

test('a signed-out visitor is sent to the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
