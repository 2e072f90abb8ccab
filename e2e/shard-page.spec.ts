import { expect, test } from './csp-guard';
import { connectAsApp } from './fleet-db';
import { signInThroughTheForm } from './helpers';

const TENANT_APP = 'tenant:0b7f3a52-6f1e-4c44-9d5e-2a1b3c4d5e6f';

test('the shard page renders its four panels with live data', async ({ page }) => {
  await signInThroughTheForm(page, 'viewer');
  await page.getByRole('link', { name: 'Shard 1' }).click();
  await expect(page.getByRole('heading', { name: 'Shard 1', level: 1 })).toBeVisible();
  for (const panel of ['panel-blocking', 'panel-activity', 'panel-replication', 'panel-pools']) {
    await expect(page.getByTestId(panel)).toBeVisible();
  }
  await expect(page.getByTestId('activity-node')).toHaveCount(2);
  await expect(page.locator('[data-testid="replica-row"][data-node-id="shard-1-replica-1"]')).toHaveAttribute('data-verdict', 'healthy');
  await expect(page.getByTestId('pgbouncer-pools')).toBeVisible();
  await expect(page.getByTestId('console-pools')).toContainText('shard-1-primary');
  // A viewer sees no cancel or terminate buttons.
  await expect(page.getByRole('button', { name: /^(cancel|terminate) pid/ })).toHaveCount(0);
});

test('a blocked session shows under its blocker, and an admin cancels it from the UI', async ({ page }) => {
  const holder = await connectAsApp(1, TENANT_APP);
  const waiter = await connectAsApp(1, TENANT_APP);
  try {
    await holder.query('begin');
    const { rows } = await holder.query('select tenant_id, id from orders order by tenant_id, id limit 1 for update');
    const [{ tenant_id: tenantId, id: orderId }] = rows;
    const holderPid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const waiterPid = (await waiter.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const waiting = waiter.query("update orders set status = 'e2e' where tenant_id = $1 and id = $2", [tenantId, orderId]).then(
      () => null,
      (error: { code?: string }) => error,
    );

    await signInThroughTheForm(page, 'admin');
    await page.goto('/shards/shard-1');
    const root = page.locator(`[data-testid="blocking-root"][data-pid="${holderPid}"]`);
    const blocked = root.locator(`[data-testid="blocked-session"][data-pid="${waiterPid}"]`);
    await expect(blocked).toBeVisible();
    await expect(blocked).toContainText('waits');

    await blocked.getByRole('button', { name: `cancel pid ${waiterPid}` }).click();
    await blocked.getByRole('button', { name: 'Yes, cancel' }).click();

    expect(await waiting).toMatchObject({ code: '57014' }); // canceling statement due to user request
    await expect(page.locator(`[data-testid="blocked-session"][data-pid="${waiterPid}"]`)).toHaveCount(0);
  } finally {
    await holder.query('rollback').catch(() => {});
    await holder.end().catch(() => {});
    await waiter.end().catch(() => {});
  }
});
