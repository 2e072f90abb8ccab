import { expect, test } from './csp-guard';
import { E2E_PASSWORDS } from './e2e-env';
import { signInApi } from './helpers';

test('the API answers 401 JSON without a session', async ({ request }) => {
  const response = await request.get('/api/fleet/overview');
  expect(response.status()).toBe(401);
  expect((await response.json()).error.code).toBe('unauthorized');
});

test('a viewer gets 403 from the admin-only audit API; an admin gets the audit log', async ({ playwright, baseURL }) => {
  const viewer = await playwright.request.newContext({ baseURL });
  await signInApi(viewer, 'viewer');
  expect((await viewer.get('/api/fleet/overview')).status()).toBe(200);
  const refused = await viewer.get('/api/audit');
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe('forbidden');

  const admin = await playwright.request.newContext({ baseURL });
  await signInApi(admin, 'admin');
  const audit = await admin.get('/api/audit?limit=5');
  expect(audit.status()).toBe(200);
  const { entries } = await audit.json();
  expect(entries.some((entry: { action: string; actor: string }) => entry.action === 'auth.sign_in' && entry.actor === 'viewer')).toBe(true);
  await viewer.dispose();
  await admin.dispose();
});

test('a sign-in without a same-site Origin is refused, naming the Origin header', async ({ request }) => {
  const response = await request.post('/api/auth/login', {
    data: { username: 'admin', password: E2E_PASSWORDS.admin },
    headers: { origin: 'https://evil.example' },
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.field).toBe('Origin');
});

test('bad input to an API is a 400 naming the field', async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signInApi(admin, 'admin');
  const response = await admin.get('/api/audit?limit=abc');
  expect(response.status()).toBe(400);
  expect((await response.json()).error.field).toBe('limit');
  await admin.dispose();
});

test('the public /health page renders without a session and names no tenant', async ({ page }) => {
  await page.goto('/health');
  await expect(page.getByRole('heading', { name: /Fleet health/ })).toBeVisible();
  await expect(page.getByTestId('health-shard')).toHaveCount(2);
  await expect(page.getByTestId('fleet-status')).toHaveText(/healthy|degraded/);
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/tenant|postgres:\/\//i);
});

test('probes: /api/health is alive and /api/ready reports the control DB and Redis', async ({ request }) => {
  expect((await request.get('/api/health')).status()).toBe(200);
  const ready = await request.get('/api/ready');
  expect(ready.status()).toBe(200);
  expect((await ready.json()).checks).toMatchObject({ controlDb: { ok: true }, redis: { ok: true } });
});
