import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { expect, test } from './csp-guard';
import { E2E_BASE_URL } from './e2e-env';
import { connectAsApp } from './fleet-db';
import { sandbox, signInApi, signInThroughTheForm } from './helpers';

/**
 * The Users page and the sessions it governs, as an admin and the people it
 * manages see them: a new operator's rights, sign-out and revocation, role
 * changes and disables on the next request, the last admin kept, and
 * sign-in throttling.
 *
 * Every failed sign-in here carries its own X-Forwarded-For (the address the
 * throttle counts): all requests of the run come from 127.0.0.1, and failures
 * counted against it would refuse the other specs' sign-ins.
 */

const ORIGIN = { origin: E2E_BASE_URL };
const RUN = Date.now().toString(36);
const PASSWORD = 'e2e user password 0001';
const WRONG = 'not the password at all';

let addressCounter = 0;
/** A client address no other request of this run used (2001:db8::/32 is for documentation only). */
function freshAddress(): string {
  addressCounter += 1;
  return `2001:db8:${RUN.slice(-4)}::${addressCounter.toString(16)}`;
}

let nameCounter = 0;
function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${RUN}-${nameCounter}`;
}

function login(request: APIRequestContext, username: string, password: string, address = freshAddress()) {
  return request.post('/api/auth/login', { data: { username, password }, headers: { ...ORIGIN, 'x-forwarded-for': address } });
}

async function createUserApi(admin: APIRequestContext, name: string, role: 'viewer' | 'operator'): Promise<void> {
  const response = await admin.post('/api/users', { data: { name, role, password: PASSWORD }, headers: ORIGIN });
  expect(response.status()).toBe(200);
}

/** A request context signed in as `name`: a separate browser, as far as the server can tell. */
async function signedInContext(playwright: { request: { newContext: (options: { baseURL?: string }) => Promise<APIRequestContext> } }, name: string) {
  const context = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  expect((await login(context, name, PASSWORD)).status()).toBe(200);
  return context;
}

const userRow = (page: Page, name: string) => page.locator(`[data-testid="user-row"][data-user-name="${name}"]`);

async function openUsersPage(page: Page): Promise<void> {
  await signInThroughTheForm(page, 'admin');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.getByTestId('users')).toBeVisible();
}

async function signInOnTheForm(browser: Browser, name: string, password: string, address = freshAddress()) {
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': address } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('User').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page };
}

test('an admin adds an operator on the Users page; the operator may cancel a query but not act as an admin', async ({ page, browser }) => {
  await openUsersPage(page);
  const name = uniqueName('new-op');
  const form = page.getByTestId('add-user-form');
  await form.getByTestId('user-name').fill(name);
  await form.getByTestId('user-role').selectOption('operator');
  await form.getByTestId('generate-password').click();
  await form.getByTestId('add-user').click();
  await expect(page.getByTestId('user-added')).toHaveText(`Added ${name} (operator)`);
  const password = await page.getByTestId('one-time-password').innerText();
  expect(password).toHaveLength(24);
  await expect(userRow(page, name).getByTestId('user-status')).toHaveText('enabled');

  const operator = await signInOnTheForm(browser, name, password);
  const sleeper = await connectAsApp(1, 'e2e-users-sleeper');
  try {
    await expect(operator.page.getByTestId('signed-in-as')).toContainText(`${name} (operator)`);
    for (const adminLink of ['Users', 'Tiers', 'Alert rules', 'Notifications']) {
      await expect(operator.page.getByRole('link', { name: adminLink, exact: true })).toHaveCount(0);
    }

    const { rows } = await sleeper.query(
      `select pid, extract(epoch from backend_start)::numeric::text as backend_start from pg_stat_activity where pid = pg_backend_pid()`,
    );
    const sleeping = sleeper.query('select pg_sleep(60)').then(
      () => null,
      (error: { code?: string }) => error,
    );
    const cancel = await operator.page.request.post('/api/shards/shard-1/backends/cancel', {
      data: { nodeId: 'shard-1-primary', pid: rows[0].pid, backendStart: rows[0].backend_start },
      headers: ORIGIN,
    });
    expect(cancel.status(), await cancel.text()).toBe(200);
    expect(await sleeping).toMatchObject({ code: '57014' }); // canceling statement due to user request

    const asAdmin = await operator.page.request.post('/api/users', { data: { name: uniqueName('sneaky'), role: 'admin', password: PASSWORD }, headers: ORIGIN });
    expect(asAdmin.status()).toBe(403);
    expect((await operator.page.request.get('/api/users')).status()).toBe(403);
  } finally {
    await sleeper.end().catch(() => {});
    await operator.context.close();
  }
});

test('sign-out ends the session on the server: a copied cookie is refused afterwards', async ({ playwright }) => {
  const first = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  await signInApi(first, 'viewer');
  const copy = await playwright.request.newContext({ baseURL: E2E_BASE_URL, storageState: await first.storageState() });
  expect((await copy.get('/api/fleet/overview')).status()).toBe(200);

  expect((await first.post('/api/auth/logout', { headers: ORIGIN })).status()).toBe(200);
  const refused = await copy.get('/api/fleet/overview');
  expect(refused.status()).toBe(401);
  await first.dispose();
  await copy.dispose();
});

test('a role change on the page reaches the user on its very next request', async ({ page, playwright }) => {
  const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  await signInApi(admin, 'admin');
  const name = uniqueName('demoted-op');
  await createUserApi(admin, name, 'operator');
  const operator = await signedInContext(playwright, name);
  expect(await (await operator.get('/api/auth/session')).json()).toMatchObject({ user: name, role: 'operator' });

  await openUsersPage(page);
  const row = userRow(page, name);
  await row.getByTestId('role-select').selectOption('viewer');
  const saved = page.waitForResponse((response) => response.url().endsWith(`/api/users/${name}`) && response.request().method() === 'PATCH');
  await row.getByTestId('role-save').click();
  expect((await saved).status()).toBe(200);

  const refused = await operator.post('/api/shards/shard-1/backends/cancel', { data: { nodeId: 'shard-1-primary', pid: 1, backendStart: '1' }, headers: ORIGIN });
  expect(refused.status()).toBe(403);
  expect(await (await operator.get('/api/auth/session')).json()).toMatchObject({ role: 'viewer' });
  await admin.dispose();
  await operator.dispose();
});

test('disabling a user ends its session at once; its sign-in answers like a wrong password', async ({ page, playwright }) => {
  const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  await signInApi(admin, 'admin');
  const name = uniqueName('leaver');
  await createUserApi(admin, name, 'viewer');
  const leaver = await signedInContext(playwright, name);
  expect((await leaver.get('/api/fleet/overview')).status()).toBe(200);

  await openUsersPage(page);
  const row = userRow(page, name);
  await row.getByTestId('user-disable').click();
  await row.getByTestId('user-disable-confirm').click();
  await expect(row.getByTestId('user-status')).toHaveText('disabled');

  expect((await leaver.get('/api/fleet/overview')).status()).toBe(401);
  const disabledSignIn = await login(leaver, name, PASSWORD);
  const wrongPassword = await login(leaver, name.replace('leaver', 'nobody'), WRONG);
  expect(disabledSignIn.status()).toBe(401);
  expect(await disabledSignIn.json()).toEqual(await wrongPassword.json());
  expect((await disabledSignIn.json()).error.message).toBe('wrong user name or password');
  await admin.dispose();
  await leaver.dispose();
});

test('the only enabled admin cannot demote or disable itself: the page shows why', async ({ page, playwright }) => {
  const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  await signInApi(admin, 'admin');
  const { users } = (await (await admin.get('/api/users')).json()) as { users: { name: string; role: string; disabled: boolean }[] };
  expect(users.filter((user) => user.role === 'admin' && !user.disabled).map((user) => user.name)).toEqual(['admin']);
  await admin.dispose();

  await openUsersPage(page);
  const row = userRow(page, 'admin');
  await row.getByTestId('role-select').selectOption('operator');
  await row.getByTestId('role-save').click();
  await expect(row.getByTestId('role-confirm')).toContainText('Make yourself operator?');
  await row.getByTestId('role-confirm-yes').click();
  await expect(row.getByTestId('role-error')).toHaveText('admin is the last enabled admin: make another admin first');

  await row.getByTestId('user-disable').click();
  await row.getByTestId('user-disable-confirm').click();
  await expect(row.getByTestId('disable-error')).toHaveText('admin is the last enabled admin: make another admin first');

  await page.reload();
  await expect(page.getByTestId('signed-in-as')).toContainText('admin (admin)');
  await expect(userRow(page, 'admin').getByTestId('user-status')).toHaveText('enabled');
});

test('"Sign out everywhere" ends every session of the user', async ({ page, playwright }) => {
  const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  await signInApi(admin, 'admin');
  const name = uniqueName('two-laptops');
  await createUserApi(admin, name, 'viewer');
  const laptops = [await signedInContext(playwright, name), await signedInContext(playwright, name)];

  await openUsersPage(page);
  const row = userRow(page, name);
  await expect(row.getByTestId('user-live-sessions')).toHaveText('2');
  await row.getByTestId('sign-out-everywhere').click();
  await expect(row.getByTestId('sessions-ended')).toHaveText('2 sessions ended');
  await expect(row.getByTestId('user-live-sessions')).toHaveText('0');
  for (const laptop of laptops) {
    expect((await laptop.get('/api/fleet/overview')).status()).toBe(401);
    await laptop.dispose();
  }
  await admin.dispose();
});

test('while the control database is down, a signed-in page says it is read-only, and stops saying so once it is back', async ({ page }) => {
  await signInThroughTheForm(page, 'operator');
  await expect(page.getByTestId('degraded-banner')).toHaveCount(0);
  sandbox('stop-node', 'control');
  try {
    await page.reload();
    await expect(page.getByTestId('degraded-banner')).toHaveText(
      'Control database unavailable: read-only. Signed in as operator (operator) from the session cookie; changes are refused until it is back.',
    );
    await expect(page.getByTestId('signed-in-as')).toContainText('operator (operator)');
  } finally {
    sandbox('start-node', 'control');
  }
  // The session check leaves the database alone for a few seconds after a failure.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('degraded-banner')).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test.describe('sign-in throttling', () => {
  const MAX_FAILURES = 5;

  test('refuses a name after 5 failures, even with the right password, and the sign-in page says so', async ({ playwright, browser }) => {
    const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
    await signInApi(admin, 'admin');
    const name = uniqueName('guessed');
    await createUserApi(admin, name, 'viewer');
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) expect((await login(admin, name, WRONG)).status()).toBe(401);

    const refused = await login(admin, name, PASSWORD);
    expect(refused.status()).toBe(429);
    expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);

    const form = await signInOnTheForm(browser, name, PASSWORD);
    await expect(form.page.getByRole('alert').filter({ hasText: 'too many' })).toHaveText(/^too many failed sign-ins: try again in \d+ s$/);
    await form.context.close();
    await admin.dispose();
  });

  test('a successful sign-in clears the name\u2019s failures', async ({ playwright }) => {
    const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
    await signInApi(admin, 'admin');
    const name = uniqueName('typo');
    await createUserApi(admin, name, 'viewer');
    for (let attempt = 0; attempt < MAX_FAILURES - 1; attempt += 1) expect((await login(admin, name, WRONG)).status()).toBe(401);
    expect((await login(admin, name, PASSWORD)).status()).toBe(200);
    for (let attempt = 0; attempt < MAX_FAILURES - 1; attempt += 1) expect((await login(admin, name, WRONG)).status()).toBe(401);
    expect((await login(admin, name, PASSWORD)).status()).toBe(200);
    await admin.dispose();
  });

  test('refuses an address after 5 failures across different names', async ({ playwright }) => {
    const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
    await signInApi(admin, 'admin');
    const name = uniqueName('bystander');
    await createUserApi(admin, name, 'viewer');
    const address = freshAddress();
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
      expect((await login(admin, uniqueName('sprayed'), WRONG, address)).status()).toBe(401);
    }
    expect((await login(admin, name, PASSWORD, address)).status()).toBe(429);
    expect((await login(admin, name, PASSWORD)).status()).toBe(200);
    await admin.dispose();
  });
});
