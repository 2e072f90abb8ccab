import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { getEnv } from '@/lib/env';
import { getRedis } from '@/lib/redis/client';

/**
 * Failed sign-ins, counted per user name and per client address in Redis
 * (shared by every web instance), falling back to this process's memory
 * while Redis is away. A name or an address with `max` failures in the window
 * is refused until the window ends, even with the right password.
 */

interface Limiters {
  byUser: RateLimiterRedis;
  byAddress: RateLimiterRedis;
}

let limiters: Limiters | undefined;

function limiter(keyPrefix: string): RateLimiterRedis {
  const env = getEnv();
  const options = { points: env.SHARDSCOPE_SIGN_IN_MAX_FAILURES, duration: env.SHARDSCOPE_SIGN_IN_WINDOW_MINUTES * 60 };
  return new RateLimiterRedis({
    ...options,
    storeClient: getRedis(),
    keyPrefix: `shardscope:sign-in-failures:${keyPrefix}`,
    // Not connected → count in memory at once instead of waiting on Redis.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix }),
  });
}

function getLimiters(): Limiters {
  if (!limiters) {
    limiters = { byUser: limiter('user'), byAddress: limiter('address') };
    // The shared client connects lazily; with the offline queue off nothing else would connect it here.
    const redis = getRedis();
    if (redis.status === 'wait') redis.connect().catch(() => {});
  }
  return limiters;
}

export interface ThrottleState {
  blocked: boolean;
  /** Whole seconds until the oldest counted failure leaves the window (for Retry-After). */
  retryAfterSeconds: number;
}

function stateOf(results: (RateLimiterRes | null)[], max: number): ThrottleState {
  const full = results.filter((result): result is RateLimiterRes => result !== null && result.consumedPoints >= max);
  if (full.length === 0) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...full.map((result) => result.msBeforeNext)) / 1000)) };
}

export async function signInThrottle(user: string, address: string | null): Promise<ThrottleState> {
  const { byUser, byAddress } = getLimiters();
  const results = await Promise.all([byUser.get(user), address ? byAddress.get(address) : Promise.resolve(null)]);
  return stateOf(results, getEnv().SHARDSCOPE_SIGN_IN_MAX_FAILURES);
}

/** Counts one failure against the name and the address. */
export async function recordFailedSignIn(user: string, address: string | null): Promise<void> {
  const { byUser, byAddress } = getLimiters();
  // consume() rejects with a RateLimiterRes once over the limit: already counted, nothing to handle.
  const count = (promise: Promise<unknown>) => promise.catch((result: unknown) => (result instanceof RateLimiterRes ? null : Promise.reject(result)));
  await Promise.all([count(byUser.consume(user)), address ? count(byAddress.consume(address)) : null]);
}

/** A successful sign-in clears the name's failures (not the address's: one good password must not unlock guessing others). */
export async function clearFailedSignIns(user: string): Promise<void> {
  await getLimiters().byUser.delete(user);
}
