import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as createUserRoute } from '@/app/api/users/route';
import { getEnv } from '@/lib/env';
import { sessionCookie } from './console-requests';
import { callRoute, consoleRequest, freshAddress, signIn } from './console-sign-in';
import { ownControlDb } from './own-control-db';
import { eventually, sandbox } from './sandbox';

/**
 * Failed sign-ins limited per user name and per client address, through the
 * real login route: 429 with Retry-After once over the limit (even with the
 * right password), audited; a success clears the name's count; and the same
 * limit while Redis is down (counted in this process).
 */

const controlDb = ownControlDb('it_sign_in_throttle');
const PASSWORD = 'correct horse battery staple';
const WRONG = 'wrong horse battery staple';
const RUN = Date.now().toString(36);

async function newUser(name: string): Promise<string> {
  const answer = await callRoute(createUserRoute, consoleRequest('/api/users', { body: { name, role: 'viewer', password: PASSWORD }, cookie: sessionCookie('admin') }));
  expect(answer.status).toBe(200);
  return name;
}

/** `count` wrong passwords for `name`, each from its own address unless one is given; all must be plain refusals (401). */
async function failSignIns(name: string, count: number, address?: string): Promise<void> {
  for (let attempt = 0; attempt < count; attempt += 1) {
    expect((await signIn(name, WRONG, address ?? freshAddress())).status, `failure ${attempt + 1} of ${name}`).toBe(401);
  }
}

describe('sign-in throttling', () => {
  const max = () => getEnv().SHARDSCOPE_SIGN_IN_MAX_FAILURES;
  let redis: Redis;

  beforeAll(async () => {
    await controlDb.create();
    redis = new Redis(controlDb.fleet.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
  });
  afterAll(async () => {
    sandbox('up');
    redis.disconnect();
    await controlDb.drop();
  });

  it('refuses a name after the limit of failures, even with the right password: 429, Retry-After, audited', async () => {
    const name = await newUser(`guessed-${RUN}`);
    await failSignIns(name, max());
    const refused = await signIn(name, PASSWORD, freshAddress());
    expect(refused.status).toBe(429);
    expect(refused.cookie).toBeNull();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(getEnv().SHARDSCOPE_SIGN_IN_WINDOW_MINUTES * 60);
    expect(refused.body.error!.message).toMatch(/too many failed sign-ins/);

    const { rows } = await controlDb.withControl((client) =>
      client.query(`select result, detail->>'reason' as reason from audit_log where action = 'auth.sign_in' and actor = $1 order by id`, [name]),
    );
    expect(rows.at(-1)).toEqual({ result: 'refused', reason: 'too many failed sign-ins' });
  });

  it('clears a name\u2019s failures on a successful sign-in', async () => {
    const name = await newUser(`typo-${RUN}`);
    await failSignIns(name, max() - 1);
    expect((await signIn(name, PASSWORD, freshAddress())).status).toBe(200);
    await failSignIns(name, max() - 1);
    expect((await signIn(name, PASSWORD, freshAddress())).status).toBe(200);
  });

  it('refuses an address after the limit of failures across different names, and a good password from it too', async () => {
    const address = freshAddress();
    for (let index = 0; index < max(); index += 1) await failSignIns(`sprayed-${index}-${RUN}`, 1, address);
    const victim = await newUser(`bystander-${RUN}`);
    expect((await signIn(victim, PASSWORD, address)).status).toBe(429);
    expect((await signIn(victim, PASSWORD, freshAddress())).status).toBe(200);
  });

  it('keeps throttling while Redis is down, counting in this process', async () => {
    await redis.connect();
    await redis.call('shutdown', 'nosave').catch(() => {});
    await eventually(
      () => redis.ping().then(() => 'up', () => 'down'),
      (state) => state === 'down',
    );
    const name = await newUser(`redis-down-${RUN}`);
    await failSignIns(name, max());
    const refused = await signIn(name, PASSWORD, freshAddress());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
