import { defineConfig } from '@playwright/test';
import { E2E_BASE_URL, E2E_SERVER_ENV } from './e2e/e2e-env';

export default defineConfig({
  testDir: 'e2e',
  // Tests stop nodes of one shared sandbox fleet: one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: E2E_BASE_URL,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright cannot download its own browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu', '--disable-quic'],
    },
  },
  webServer: {
    // Starts the e2e sandbox fleet, migrates and seeds it, then `next start`.
    command: 'bash scripts/e2e-server.sh',
    url: `${E2E_BASE_URL}/api/health`,
    env: E2E_SERVER_ENV,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
