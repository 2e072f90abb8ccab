import { describe, expect, it } from 'vitest';
import { channelCreateSchema, channelUpdateSchema, channelUrlProblem, checkChannelUpdate, isChannelId, urlHost, withoutSecret } from '@/lib/alerts/channel-validation';

const valid = { name: 'on-call', kind: 'webhook', url: 'https://hooks.example.com/T0/B0/secret', enabled: true };

function firstIssuePath(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): PropertyKey[] | undefined {
  return result.error?.issues[0].path;
}

describe('notification channel validation', () => {
  it('accepts a webhook, trimming the name and URL', () => {
    expect(channelCreateSchema.parse({ ...valid, name: '  on-call ', url: ' https://hooks.example.com/x ' })).toEqual({
      ...valid,
      name: 'on-call',
      url: 'https://hooks.example.com/x',
    });
  });

  it('refuses a missing or too long name, an unknown kind and a non-boolean enabled, naming the field', () => {
    for (const [patch, field] of [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ kind: 'email' }, 'kind'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ notifyOnAck: 1 }, 'notifyOnAck'],
      [{ url: 'hooks.example.com/x' }, 'url'],
    ] as const) {
      const result = channelCreateSchema.safeParse({ ...valid, ...patch });
      expect(result.success, JSON.stringify(patch)).toBe(false);
      expect(firstIssuePath(result), JSON.stringify(patch)).toEqual([field]);
    }
    expect(channelCreateSchema.safeParse({ ...valid, name: 'x'.repeat(100) }).success).toBe(true);
  });

  it('refuses URLs that are not absolute http(s), carry credentials, or are plain http for Slack', () => {
    expect(channelUrlProblem('webhook', 'ftp://example.com/x')).toMatch(/http/);
    expect(channelUrlProblem('webhook', 'http:hooks.example.com')).toMatch(/absolute/);
    expect(channelUrlProblem('webhook', '/relative/path')).toMatch(/absolute/);
    expect(channelUrlProblem('webhook', 'https://')).not.toBeNull();
    expect(channelUrlProblem('webhook', 'https://user:pw@hooks.example.com/x')).toMatch(/user name or password/);
    expect(channelUrlProblem('slack', 'http://hooks.slack.com/services/T/B/x')).toMatch(/https/);
    const bad = channelCreateSchema.safeParse({ ...valid, url: 'https://user@hooks.example.com/x' });
    expect(firstIssuePath(bad)).toEqual(['url']);
  });

  it('lets plain http through for a webhook anywhere and for Slack on this machine (a local receiver)', () => {
    expect(channelUrlProblem('webhook', 'http://10.0.0.5:8080/hook')).toBeNull();
    expect(channelUrlProblem('webhook', 'http://127.0.0.1:39001/hook')).toBeNull();
    expect(channelUrlProblem('slack', 'http://127.0.0.1:39001/hook')).toBeNull();
    expect(channelUrlProblem('slack', 'http://localhost:39001/hook')).toBeNull();
    expect(channelUrlProblem('slack', 'https://hooks.slack.com/services/T/B/x')).toBeNull();
  });

  it('shows the host (and port) only', () => {
    expect(urlHost('https://hooks.slack.com/services/T0/B0/secret?token=x')).toBe('hooks.slack.com');
    expect(urlHost('http://127.0.0.1:39001/hook/secret')).toBe('127.0.0.1:39001');
  });

  it('quotes a receiver answer without the URL or its secret parts, on one short line', () => {
    const url = 'https://hooks.slack.com/services/T0AAAA/B0BBBB/xoxsecrettoken1234?key=querysecret99';
    expect(withoutSecret('invalid_token', url)).toBe('invalid_token');
    expect(withoutSecret(`no hook at ${url}`, url)).toBe('no hook at …');
    expect(withoutSecret('no hook at /services/T0AAAA/B0BBBB/xoxsecrettoken1234', url)).toBe('no hook at …');
    expect(withoutSecret('token xoxsecrettoken1234 revoked; key querysecret99', url)).toBe('token … revoked; key …');
    expect(withoutSecret('<html>\n  <body>bad\n</body>', url)).toBe('<html> <body>bad </body>');
    expect(withoutSecret('x'.repeat(500), url)).toHaveLength(201);
  });

  it('takes any one field on update, none is a 400 on the body, unknown fields are refused', () => {
    expect(channelUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(firstIssuePath(channelUpdateSchema.safeParse({}))).toEqual(['body']);
    expect(channelUpdateSchema.safeParse({ url: 'https://a.example.com', secret: 1 }).success).toBe(false);
  });

  it('checks an update against what is saved: a new URL for the new kind, a kind change against the kept URL', () => {
    const saved = { kind: 'webhook' as const, url: 'http://hooks.example.com/x' };
    expect(checkChannelUpdate(saved, { name: 'renamed' })).toBeNull();
    expect(checkChannelUpdate(saved, { kind: 'slack' })).toMatchObject({ field: 'kind' });
    expect(checkChannelUpdate(saved, { kind: 'slack', url: 'https://hooks.slack.com/services/x' })).toBeNull();
    expect(checkChannelUpdate(saved, { kind: 'slack', url: 'http://hooks.slack.com/services/x' })).toMatchObject({ field: 'url' });
    expect(checkChannelUpdate(saved, { url: 'https://user:pw@hooks.example.com' })).toMatchObject({ field: 'url' });
  });

  it('takes channel ids as positive integers only', () => {
    expect(isChannelId('17')).toBe(true);
    for (const id of ['0', '-1', '1.5', 'abc', '1; drop table x', '9'.repeat(19)]) expect(isChannelId(id), id).toBe(false);
  });
});
