import { execFileSync } from 'node:child_process';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_BASE_URL, E2E_PASSWORDS, E2E_SERVER_ENV } from './e2e-env';

export async function signInThroughTheForm(page: Page, user: keyof typeof E2E_PASSWORDS): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(E2E_PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`${user} (${user})`);
}

/** Signs an API request context in, the way a browser would (same Origin). */
export async function signInApi(request: APIRequestContext, user: keyof typeof E2E_PASSWORDS): Promise<void> {
  const response = await request.post('/api/auth/login', {
    data: { username: user, password: E2E_PASSWORDS[user] },
    headers: { origin: E2E_BASE_URL },
  });
  expect(response.status()).toBe(200);
}

export function sandbox(...args: string[]): void {
  execFileSync('bash', ['scripts/sandbox.sh', ...args], { env: { ...process.env, ...E2E_SERVER_ENV }, stdio: 'inherit' });
}
