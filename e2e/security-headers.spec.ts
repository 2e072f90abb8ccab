import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIResponse, Page, Response } from '@playwright/test';
import type { TenantDirectoryPage } from '@/lib/tenants/tenant-model';
import { expect, test } from './csp-guard';
import { E2E_BASE_URL } from './e2e-env';
import { signInApi } from './helpers';

/**
 * Issue 12, security headers: every kind of response carries them, and every
 * console page works under the CSP (the `test` from csp-guard fails on any
 * violation the browser reports).
 */

function nonceOf(contentSecurityPolicy: string): string {
  const nonce = /'nonce-([^']+)'/.exec(contentSecurityPolicy)?.[1];
  expect(nonce, `a script nonce in ${contentSecurityPolicy}`).toBeTruthy();
  return nonce!;
}

/** An API response, or a browser one (whose headers() leaves security headers out: allHeaders() has them). */
async function expectSecurityHeaders(response: APIResponse | Response, options: { https?: boolean; scriptNonce?: boolean } = {}): Promise<void> {
  const { https = false, scriptNonce = true } = options;
  const headers = 'allHeaders' in response ? await response.allHeaders() : response.headers();
  const what = `${response.status()} ${response.url()}`;
  const policy = headers['content-security-policy'];
  expect(policy, `CSP on ${what}`).toBeTruthy();
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("object-src 'none'");
  const scriptSrc = policy.split(';').find((directive) => directive.trim().startsWith('script-src '));
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  if (scriptNonce) nonceOf(policy);
  expect(headers['x-content-type-options'], `nosniff on ${what}`).toBe('nosniff');
  expect(headers['referrer-policy'], `Referrer-Policy on ${what}`).toBe('same-origin');
  expect(headers['x-frame-options'], `X-Frame-Options on ${what}`).toBe('DENY');
  if (https) {
    expect(headers['strict-transport-security'], `HSTS on ${what}`).toMatch(/^max-age=\d{7,}/);
  } else {
    expect(headers['strict-transport-security'], `no HSTS over http on ${what}`).toBeUndefined();
  }
}

test.describe('every kind of response carries the security headers', () => {
  test('a signed-in page and an API GET', async ({ playwright }) => {
    const admin = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
    await signInApi(admin, 'admin');
    const page = await admin.get('/');
    expect(page.status()).toBe(200);
    await expectSecurityHeaders(page);
    const api = await admin.get('/api/fleet/overview');
    expect(api.status()).toBe(200);
    await expectSecurityHeaders(api);
    await admin.dispose();
  });

  test("the proxy's 401 to the API and its redirect to /login", async ({ request }) => {
    const unauthorized = await request.get('/api/fleet/overview');
    expect(unauthorized.status()).toBe(401);
    await expectSecurityHeaders(unauthorized);
    const redirect = await request.get('/tenants', { maxRedirects: 0 });
    expect(redirect.status()).toBe(307);
    expect(redirect.headers().location).toMatch(/\/login$/);
    await expectSecurityHeaders(redirect);
  });

  test('the public probes, the health page and a page that does not exist', async ({ request }) => {
    for (const probe of ['/api/health', '/api/ready', '/health']) {
      const response = await request.get(probe);
      expect(response.status(), probe).toBe(200);
      await expectSecurityHeaders(response);
    }
    const missing = await request.get('/login/no-such-page');
    expect(missing.status()).toBe(404);
    await expectSecurityHeaders(missing);
  });

  test('a static asset under /_next/static (no script runs there: no nonce)', async ({ request }) => {
    const login = await (await request.get('/login')).text();
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(login)?.[1];
    expect(asset, 'a script of the login page under /_next/static').toBeDefined();
    const response = await request.get(asset!);
    expect(response.status()).toBe(200);
    await expectSecurityHeaders(response, { scriptNonce: false });
    const overHttps = await request.get(asset!, { headers: { 'x-forwarded-proto': 'https' } });
    await expectSecurityHeaders(overHttps, { scriptNonce: false, https: true });
  });

  test('HSTS and upgrade-insecure-requests only when a TLS proxy in front says https', async ({ request }) => {
    for (const url of ['/login', '/api/health', '/api/fleet/overview']) {
      const response = await request.get(url, { headers: { 'x-forwarded-proto': 'https' }, maxRedirects: 0 });
      await expectSecurityHeaders(response, { https: true });
      expect(response.headers()['content-security-policy']).toContain('upgrade-insecure-requests');
    }
    const overHttp = await request.get('/login');
    expect(overHttp.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  test("a fresh nonce per response, on every one of the page's scripts", async ({ request }) => {
    const first = await request.get('/login');
    const second = await request.get('/login');
    const nonce = nonceOf(first.headers()['content-security-policy']);
    expect(nonceOf(second.headers()['content-security-policy'])).not.toBe(nonce);
    const scriptTags = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags.length).toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);
  });
});

/** app/**\/page.tsx as the routes they serve: "(console)" groups dropped, "[id]" kept. */
function pageRoutesOnDisk(directory = path.resolve(import.meta.dirname, '../app'), prefix = ''): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile()) return entry.name === 'page.tsx' ? [prefix || '/'] : [];
    const segment = /^\(.*\)$/.test(entry.name) ? '' : `/${entry.name}`;
    return pageRoutesOnDisk(path.join(directory, entry.name), prefix + segment);
  });
}

/** A well-formed id nothing has: these pages then show their own "not found" state, scripts and all. */
const UNKNOWN_STATEMENT_HASH = '0'.repeat(32);
const UNKNOWN_RUN_ID = '00000000-0000-4000-8000-000000000000';

async function consolePages(page: Page): Promise<Record<string, string>> {
  const directory = await page.request.get('/api/tenants?pageSize=1');
  expect(directory.status()).toBe(200);
  const [tenant] = ((await directory.json()) as TenantDirectoryPage).tenants;
  expect(tenant, 'a seeded tenant').toBeDefined();
  return {
    '/': '/',
    '/tenants': '/tenants',
    '/tenants/[id]': `/tenants/${tenant.id}`,
    '/balance': '/balance',
    '/balance/runs': '/balance/runs',
    '/balance/runs/[id]': `/balance/runs/${UNKNOWN_RUN_ID}`,
    '/queries': '/queries',
    '/queries/[statementHash]': `/queries/${UNKNOWN_STATEMENT_HASH}`,
    '/alerts': '/alerts',
    '/audit': '/audit',
    '/users': '/users',
    '/settings/tiers': '/settings/tiers',
    '/settings/alerts': '/settings/alerts',
    '/settings/notifications': '/settings/notifications',
    '/shards/[shardId]': `/shards/${tenant.shardId}`,
    '/shards/[shardId]/indexes': `/shards/${tenant.shardId}/indexes`,
    '/health': '/health',
    '/login': '/login',
    // Supabase Auth's page for a user without a role: with the local provider it sends you on to the console.
    '/no-access': '/no-access',
  };
}

/** React attached itself to the server-rendered heading: the page's scripts, inline and chunks, all ran. */
async function expectHydrated(page: Page): Promise<void> {
  const heading = page.locator('h1').first();
  await expect(heading).toBeVisible();
  await expect.poll(() => heading.evaluate((element) => Object.keys(element).some((key) => key.startsWith('__reactFiber$')))).toBe(true);
}

test('every console page renders and hydrates under the CSP with no violation', async ({ page }) => {
  test.setTimeout(180_000);
  await signInApi(page.request, 'admin');
  const pages = await consolePages(page);
  expect(Object.keys(pages).sort(), 'every page.tsx on disk is visited here').toEqual(pageRoutesOnDisk().sort());
  for (const [route, url] of Object.entries(pages)) {
    await test.step(route, async () => {
      const response = await page.goto(url);
      expect(response?.status(), url).toBeLessThan(400);
      // Charts and tables fill in from the client's fetches: let them land before the guard looks.
      await page.waitForLoadState('networkidle');
      await expectHydrated(page);
    });
  }
});

test('the not-found page works under the CSP', async ({ page }) => {
  await signInApi(page.request, 'admin');
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expectHydrated(page);
});

test("a page's own redirect (viewer on an admin page) carries the headers and lands under the CSP", async ({ page }) => {
  await signInApi(page.request, 'viewer');
  const response = await page.goto('/settings/notifications');
  // The redirect is streamed inside the page (its loading.tsx flushed first), so the first answer is a 200.
  await expectSecurityHeaders(response!);
  await expect(page).toHaveURL(/\/$/);
  await expectHydrated(page);
});

test('the CSP refuses a script injected into the HTML, and the guard sees it', async ({ page, cspViolations }) => {
  // What a stored or reflected XSS would do: an inline script in the page as served, with the page's real CSP.
  await page.route('**/login', async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace('<body>', '<body><script>window.injectedScriptRan = true</script>');
    await route.fulfill({ response, body: html });
  });
  await page.goto('/login');
  await expectHydrated(page);
  // Both channels report it: the console line and the page's securitypolicyviolation event.
  await expect.poll(() => cspViolations.seen.map((line) => line.split(' ')[0]).sort()).toEqual(['console', 'securitypolicyviolation:']);
  expect(await page.evaluate(() => 'injectedScriptRan' in window)).toBe(false);
  expect(cspViolations.takeAll().join('\n')).toMatch(/script-src/);
});

/** A page on another origin that frames the console's sign-in page. */
async function startFramingSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>Another site</title><iframe id="console" src="${E2E_BASE_URL}/login" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, server };
}

test('another site cannot frame the console', async ({ browser }) => {
  const framing = await startFramingSite();
  try {
    const refused = await browser.newContext();
    const page = await refused.newPage();
    // goto resolves on the framing page's load event, which waits for its frame to finish, refused or not.
    await page.goto(framing.url);
    await expect(page.frameLocator('#console').locator('body')).not.toContainText('Sign in to the fleet console');
    await expect(page.frameLocator('#console').getByLabel('Password')).toHaveCount(0);
    await refused.close();

    // Control: the same frame, with the console's headers stripped on the way, does load; so the check above can fail.
    const unprotected = await browser.newContext();
    await unprotected.route(`${E2E_BASE_URL}/**`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      delete headers['x-frame-options'];
      await route.fulfill({ response, headers });
    });
    const control = await unprotected.newPage();
    await control.goto(framing.url);
    await expect(control.frameLocator('#console').locator('body')).toContainText('Sign in to the fleet console');
    await unprotected.close();
  } finally {
    await new Promise((resolve) => framing.server.close(resolve));
  }
});
