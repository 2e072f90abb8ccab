import type { Redis } from 'ioredis';

/**
 * The atomic check-and-count behind checkTenantApiLimit, on the tenant's hourly
 * usage hash (usage-keys.ts). Redis runs a script to completion before any
 * other command, so between reading `api_calls` and incrementing it no other
 * app instance can slip a call in: N parallel checks at the limit let exactly
 * the remaining calls through, never more. Sent as EVALSHA (ioredis
 * defineCommand loads it on the first NOSCRIPT), so a check is one round trip.
 *
 * KEYS[1]  the tenant's hash for the current UTC hour
 * ARGV[1]  the limit (max_api_calls_per_hour); negative: no limit known, allow and count
 * ARGV[2]  the API calls this check stands for (allowed or refused whole)
 * ARGV[3]  the hash's TTL in seconds, the same as every other counter write
 * Returns  {1, api_calls after} when allowed; {0, api_calls} when refused, after adding
 *          the calls to `rate_limited` (the 429s the tenant page charts).
 */
export const CHECK_TENANT_API_LIMIT_LUA = `
local used = tonumber(redis.call('HGET', KEYS[1], 'api_calls') or '0')
local limit = tonumber(ARGV[1])
local calls = tonumber(ARGV[2])
local allowed = 0
if limit < 0 or used + calls <= limit then
  used = redis.call('HINCRBY', KEYS[1], 'api_calls', calls)
  allowed = 1
else
  redis.call('HINCRBY', KEYS[1], 'rate_limited', calls)
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {allowed, used}
`;

const COMMAND_NAME = 'shardscopeCheckTenantApiLimit';

type RedisWithApiLimit = Redis & {
  [COMMAND_NAME](key: string, limit: number, calls: number, ttlSeconds: number): Promise<[number, number]>;
};

const defined = new WeakSet<Redis>();

/** Runs the script on `redis` (defining it on that connection the first time). */
export async function runApiLimitScript(redis: Redis, key: string, limit: number, calls: number, ttlSeconds: number): Promise<[number, number]> {
  if (!defined.has(redis)) {
    redis.defineCommand(COMMAND_NAME, { numberOfKeys: 1, lua: CHECK_TENANT_API_LIMIT_LUA });
    defined.add(redis);
  }
  const [allowed, used] = await (redis as RedisWithApiLimit)[COMMAND_NAME](key, limit, calls, ttlSeconds);
  return [Number(allowed), Number(used)];
}
