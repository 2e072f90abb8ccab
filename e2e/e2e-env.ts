import path from 'node:path';

/**
 * The e2e sandbox and server: own ports, so the run sits beside the demo
 * (24300/3000) and integration (24500). SHARDSCOPE_E2E_SANDBOX /
 * SHARDSCOPE_E2E_BASE_PORT / SHARDSCOPE_E2E_WEB_PORT give a second checkout
 * or a parallel run its own.
 */
export const E2E_SANDBOX = {
  name: process.env.SHARDSCOPE_E2E_SANDBOX ?? 'e2e',
  basePort: Number(process.env.SHARDSCOPE_E2E_BASE_PORT ?? 24700),
} as const;
export const E2E_WEB_PORT = Number(process.env.SHARDSCOPE_E2E_WEB_PORT ?? 3100);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_WEB_PORT}`;

export const E2E_PASSWORDS = {
  admin: 'e2e-admin-password',
  operator: 'e2e-operator-password',
  viewer: 'e2e-viewer-password',
} as const;

const repoRoot = path.resolve(import.meta.dirname, '..');

export const E2E_SERVER_ENV = {
  SANDBOX_NAME: E2E_SANDBOX.name,
  SANDBOX_BASE_PORT: String(E2E_SANDBOX.basePort),
  SHARDSCOPE_FLEET_FILE: path.join(repoRoot, '.sandbox', E2E_SANDBOX.name, 'fleet.json'),
  SHARDSCOPE_SESSION_SECRET: 'e2e-session-secret-e2e-session-secret-0001',
  SHARDSCOPE_ADMIN_PASSWORD: E2E_PASSWORDS.admin,
  SHARDSCOPE_OPERATOR_PASSWORD: E2E_PASSWORDS.operator,
  SHARDSCOPE_VIEWER_PASSWORD: E2E_PASSWORDS.viewer,
  // The worker beside `next start` samples every 2 s, so history charts have points within seconds.
  SHARDSCOPE_SAMPLE_INTERVAL_S: '2',
  SHARDSCOPE_TENANT_STORAGE_INTERVAL_S: '5',
  SHARDSCOPE_DIST_DIR: process.env.SHARDSCOPE_DIST_DIR ?? '.next-test',
  PORT: String(E2E_WEB_PORT),
  SHARDSCOPE_PUBLIC_URL: E2E_BASE_URL,
};
