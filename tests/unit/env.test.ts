import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';

const valid = { SHARDSCOPE_SESSION_SECRET: 'x'.repeat(32), SHARDSCOPE_ADMIN_PASSWORD: 'admin-password' };

describe('env', () => {
  it('applies defaults to a minimal valid environment', () => {
    const env = parseEnv(valid);
    expect(env.SHARDSCOPE_NODE_TIMEOUT_MS).toBe(1500);
    expect(env.SHARDSCOPE_FLEET_FILE).toBe('.sandbox/demo/fleet.json');
  });

  it('names a session secret that is too short', () => {
    expect(() => parseEnv({ ...valid, SHARDSCOPE_SESSION_SECRET: 'short' })).toThrow(/SHARDSCOPE_SESSION_SECRET: must be at least 32 characters/);
  });

  it('names a missing admin password', () => {
    expect(() => parseEnv({ SHARDSCOPE_SESSION_SECRET: valid.SHARDSCOPE_SESSION_SECRET })).toThrow(/SHARDSCOPE_ADMIN_PASSWORD/);
  });

  it('treats an empty optional password as unset', () => {
    expect(parseEnv({ ...valid, SHARDSCOPE_VIEWER_PASSWORD: '' }).SHARDSCOPE_VIEWER_PASSWORD).toBeUndefined();
  });

  it('names a timeout that is not a number', () => {
    expect(() => parseEnv({ ...valid, SHARDSCOPE_NODE_TIMEOUT_MS: 'soon' })).toThrow(/SHARDSCOPE_NODE_TIMEOUT_MS/);
  });
});
