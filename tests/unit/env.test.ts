import { describe, expect, it } from 'vitest';
import { parseEnv, parseFleetEnv } from '@/lib/env';

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

describe('fleet env (what the worker needs)', () => {
  it('needs no logins and applies the sampling defaults', () => {
    const env = parseFleetEnv({});
    expect(env.SHARDSCOPE_SAMPLE_INTERVAL_S).toBe(15);
    expect(env.SHARDSCOPE_RAW_RETENTION_DAYS).toBe(14);
    expect(env.SHARDSCOPE_ROLLUP_RETENTION_DAYS).toBe(90);
    expect(env.SHARDSCOPE_JOBS_SCHEMA).toBe('pgboss');
    expect(env.SHARDSCOPE_TENANT_STORAGE_INTERVAL_S).toBe(900);
  });

  it('names a tenant storage interval too short for a pass over the tenant tables', () => {
    expect(() => parseFleetEnv({ SHARDSCOPE_TENANT_STORAGE_INTERVAL_S: '1' })).toThrow(/SHARDSCOPE_TENANT_STORAGE_INTERVAL_S/);
    expect(parseFleetEnv({ SHARDSCOPE_TENANT_STORAGE_INTERVAL_S: '5' }).SHARDSCOPE_TENANT_STORAGE_INTERVAL_S).toBe(5);
  });

  it('names a sample interval out of range', () => {
    expect(() => parseFleetEnv({ SHARDSCOPE_SAMPLE_INTERVAL_S: '0' })).toThrow(/SHARDSCOPE_SAMPLE_INTERVAL_S/);
  });

  it('refuses a jobs schema that is not a plain identifier', () => {
    expect(() => parseFleetEnv({ SHARDSCOPE_JOBS_SCHEMA: 'pgboss; drop table x' })).toThrow(/SHARDSCOPE_JOBS_SCHEMA/);
  });

  it('names a metrics token that is too short', () => {
    expect(() => parseEnv({ ...valid, SHARDSCOPE_METRICS_TOKEN: 'short' })).toThrow(/SHARDSCOPE_METRICS_TOKEN/);
  });
});
