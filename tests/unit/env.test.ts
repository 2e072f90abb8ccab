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

describe('env with Supabase Auth', () => {
  const supabase = {
    SHARDSCOPE_SESSION_SECRET: valid.SHARDSCOPE_SESSION_SECRET,
    SHARDSCOPE_AUTH_PROVIDER: 'supabase',
    SHARDSCOPE_SUPABASE_URL: 'https://abcd.supabase.co/',
    SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
  };

  it('keeps the local provider the default, which still needs the admin password', () => {
    expect(parseEnv(valid).SHARDSCOPE_AUTH_PROVIDER).toBe('local');
    expect(() => parseEnv({ ...valid, SHARDSCOPE_ADMIN_PASSWORD: undefined })).toThrow(/SHARDSCOPE_ADMIN_PASSWORD: required with the local auth provider/);
  });

  it('needs no admin password with Supabase Auth, and reads the project settings', () => {
    const env = parseEnv(supabase);
    expect(env.SHARDSCOPE_ADMIN_PASSWORD).toBeUndefined();
    expect(env.SHARDSCOPE_SUPABASE_URL).toBe('https://abcd.supabase.co');
    expect(env.SHARDSCOPE_SUPABASE_JWT_AUDIENCE).toBe('authenticated');
    expect(env.SHARDSCOPE_SUPABASE_JWT_SECRET).toBeUndefined();
    expect(env.SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS).toEqual([]);
  });

  it('names the project URL and the publishable key when Supabase Auth lacks them', () => {
    const { SHARDSCOPE_SUPABASE_URL: _url, SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: _key, ...withoutProject } = supabase;
    expect(() => parseEnv(withoutProject)).toThrow(/SHARDSCOPE_SUPABASE_URL: required with SHARDSCOPE_AUTH_PROVIDER=supabase.*SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: required/);
    expect(() => parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_URL: '' })).toThrow(/SHARDSCOPE_SUPABASE_URL: required/);
  });

  it('refuses a project URL that is not http(s)', () => {
    expect(() => parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_URL: 'abcd.supabase.co' })).toThrow(/SHARDSCOPE_SUPABASE_URL: must be an http\(s\) URL/);
    expect(() => parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_URL: 'ftp://abcd.supabase.co' })).toThrow(/SHARDSCOPE_SUPABASE_URL/);
  });

  it('splits the OAuth providers and refuses a list that is not names and commas', () => {
    expect(parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS: 'github, google' }).SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS).toEqual(['github', 'google']);
    expect(() => parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS: 'github;google' })).toThrow(/SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS/);
  });

  it('names a legacy JWT secret that is too short', () => {
    expect(() => parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_JWT_SECRET: 'short' })).toThrow(/SHARDSCOPE_SUPABASE_JWT_SECRET: must be at least 32 characters/);
    expect(parseEnv({ ...supabase, SHARDSCOPE_SUPABASE_JWT_SECRET: 's'.repeat(40) }).SHARDSCOPE_SUPABASE_JWT_SECRET).toBe('s'.repeat(40));
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
