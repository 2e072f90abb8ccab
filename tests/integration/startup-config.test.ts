import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFilePath } from './sandbox';

/** Runs the server's start-up check (what instrumentation.ts calls) in a fresh process with this env. */
function startWith(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('@/lib/startup').then((m) => m.validateStartupConfig())"], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const goodEnv = {
  SHARDSCOPE_FLEET_FILE: fleetFilePath,
  SHARDSCOPE_SESSION_SECRET: 'startup-test-secret-startup-test-secret',
  SHARDSCOPE_ADMIN_PASSWORD: 'startup-admin',
};

describe('server start-up configuration check', () => {
  it('starts with a valid env and the sandbox fleet file', () => {
    const { status, output } = startWith(goodEnv);
    expect(output).toContain('fleet: 2 shards, 4 nodes');
    expect(status).toBe(0);
  });

  it('refuses to start with a short session secret, naming the variable', () => {
    const { status, output } = startWith({ ...goodEnv, SHARDSCOPE_SESSION_SECRET: 'short' });
    expect(status).toBe(1);
    expect(output).toContain('cannot start: invalid environment: SHARDSCOPE_SESSION_SECRET: must be at least 32 characters');
  });

  it('refuses to start with a fleet file that has a replica-only shard, naming the field', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shardscope-fleet-'));
    const badFleet = path.join(dir, 'fleet.json');
    writeFileSync(
      badFleet,
      JSON.stringify({
        version: 1,
        control: { url: 'postgres://a@127.0.0.1:1/c' },
        redis: { url: 'redis://127.0.0.1:2' },
        shards: [{ id: 'shard-1', adminUrl: 'postgres://a@127.0.0.1:1/app', nodes: [{ id: 'r1', role: 'replica', url: 'postgres://m@127.0.0.1:1/app' }] }],
      }),
    );
    const { status, output } = startWith({ ...goodEnv, SHARDSCOPE_FLEET_FILE: badFleet });
    expect(status).toBe(1);
    expect(output).toContain('cannot start: fleet file: shards.0.nodes: must have exactly one primary, found 0');
  });

  it('refuses to start when the fleet file does not exist, naming the path', () => {
    const { status, output } = startWith({ ...goodEnv, SHARDSCOPE_FLEET_FILE: '/nonexistent/fleet.json' });
    expect(status).toBe(1);
    expect(output).toContain('cannot read /nonexistent/fleet.json (ENOENT)');
  });
});
