import { defineConfig } from 'vitest/config';
import { INTEGRATION_SANDBOX, fleetFilePath } from './tests/integration/sandbox';

const root = import.meta.dirname;

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/integration/global-setup.ts'],
          setupFiles: ['tests/integration/setup-sessions.ts'],
          // The tests stop and pause nodes of one shared sandbox: one file at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: {
            SANDBOX_NAME: INTEGRATION_SANDBOX.name,
            SANDBOX_BASE_PORT: String(INTEGRATION_SANDBOX.basePort),
            SHARDSCOPE_FLEET_FILE: fleetFilePath,
            SHARDSCOPE_SESSION_SECRET: 'integration-tests-session-secret-0123456789',
            SHARDSCOPE_ADMIN_PASSWORD: 'integration-admin',
            SHARDSCOPE_VIEWER_PASSWORD: 'integration-viewer',
            SHARDSCOPE_SAMPLE_INTERVAL_S: '2',
            SHARDSCOPE_METRICS_TOKEN: 'integration-metrics-token-0123',
            SHARDSCOPE_APP_TOKEN: 'integration-app-token-0123456789',
          },
        },
      },
    ],
  },
});
