import { describe, expect, it } from 'vitest';
import { parseFleetFile } from '@/lib/fleet/fleet-file';

function fleet(overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    control: { url: 'postgres://admin:pw@127.0.0.1:5432/shardscope' },
    redis: { url: 'redis://127.0.0.1:6379/0' },
    shards: [
      {
        id: 'shard-1',
        adminUrl: 'postgres://admin:pw@127.0.0.1:5433/app',
        nodes: [
          { id: 'shard-1-primary', role: 'primary', url: 'postgres://monitor:pw@127.0.0.1:5433/app' },
          { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://monitor:pw@127.0.0.1:5434/app' },
        ],
      },
    ],
    ...overrides,
  };
}

const parse = (value: unknown, env: Record<string, string> = {}) => parseFleetFile(JSON.stringify(value), env);

describe('fleet file', () => {
  it('accepts a shard with one primary and a replica', () => {
    expect(parse(fleet()).shards[0].nodes).toHaveLength(2);
  });

  it('fills ${VAR} placeholders from the environment', () => {
    const value = fleet({ control: { url: 'postgres://admin:${CONTROL_PW}@db:5432/shardscope' } });
    expect(parse(value, { CONTROL_PW: 's3cret' }).control.url).toBe('postgres://admin:s3cret@db:5432/shardscope');
  });

  it('names the field whose placeholder is not set', () => {
    const value = fleet({ control: { url: 'postgres://admin:${CONTROL_PW}@db:5432/shardscope' } });
    expect(() => parse(value)).toThrow('control.url uses ${CONTROL_PW}, which is not set');
  });

  it('names a node URL that is not a postgres URL', () => {
    const value = fleet();
    value.shards[0].nodes[1].url = 'mysql://x';
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.1\.url: must be a postgres:\/\/ URL/);
  });

  it('refuses a shard without exactly one primary', () => {
    const value = fleet();
    value.shards[0].nodes[1].role = 'primary';
    expect(() => parse(value)).toThrow(/shards\.0\.nodes: must have exactly one primary, found 2/);
  });

  it('refuses duplicate node ids across shards', () => {
    const value = fleet();
    value.shards.push({ ...value.shards[0], id: 'shard-2' });
    expect(() => parse(value)).toThrow(/duplicate node id "shard-1-primary"/);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseFleetFile('{ shards: ', {})).toThrow(/not valid JSON/);
  });

  it('accepts host metrics settings on a node, with the password from the environment', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[0], {
      metricsUrl: 'https://abcd.supabase.co/customer/v1/privileged/metrics',
      metricsAuth: { username: 'service_role', password: '${METRICS_PW}' },
      dataMountpoint: '/data',
    });
    const node = parse(value, { METRICS_PW: 's3cret' }).shards[0].nodes[0];
    expect(node.metricsUrl).toBe('https://abcd.supabase.co/customer/v1/privileged/metrics');
    expect(node.metricsAuth).toEqual({ username: 'service_role', password: 's3cret' });
    expect(node.dataMountpoint).toBe('/data');
  });

  it('leaves host metrics off for a node without a metricsUrl', () => {
    const node = parse(fleet()).shards[0].nodes[1];
    expect(node.metricsUrl).toBeUndefined();
    expect(node.metricsAuth).toBeUndefined();
  });

  it('names a metricsUrl that is not http or https', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[1], { metricsUrl: 'ftp://metrics.example/metrics' });
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.1\.metricsUrl: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('names a metricsUrl that is not a URL at all', () => {
    for (const metricsUrl of ['node-exporter:9100', 'not a url', '']) {
      const value = fleet();
      Object.assign(value.shards[0].nodes[0], { metricsUrl });
      expect(() => parse(value)).toThrow(/shards\.0\.nodes\.0\.metricsUrl: must be an http:\/\/ or https:\/\/ URL$/);
    }
  });

  it('refuses credentials inside metricsUrl without repeating them', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[0], { metricsUrl: 'https://service_role:topsecret@abcd.supabase.co/metrics' });
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.0\.metricsUrl: must not contain credentials \(use metricsAuth\)/);
    expect(() => parse(value)).not.toThrow(/topsecret/);
  });

  it('names metricsAuth without a password', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[0], { metricsUrl: 'http://10.0.0.5:9100/metrics', metricsAuth: { username: 'scraper' } });
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.0\.metricsAuth\.password: /);
  });

  it('names metricsAuth given without a metricsUrl', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[1], { metricsAuth: { username: 'scraper', password: 'pw' } });
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.1\.metricsAuth: needs metricsUrl/);
  });

  it('names a dataMountpoint that is not an absolute path', () => {
    const value = fleet();
    Object.assign(value.shards[0].nodes[0], { metricsUrl: 'http://10.0.0.5:9100/metrics', dataMountpoint: 'data' });
    expect(() => parse(value)).toThrow(/shards\.0\.nodes\.0\.dataMountpoint: must be an absolute path/);
  });

  it('names a missing section', () => {
    const { redis: _redis, ...withoutRedis } = fleet();
    expect(() => parse(withoutRedis)).toThrow(/redis: /);
  });
});
