import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { getFleetEnv } from '@/lib/env';
import { getConnectedRedis } from '@/lib/redis/client';
import { flightKeys, type FlightKeys, type FlightRead } from './flight-keys';

/**
 * SingleFlight (lib/fleet/single-flight.ts) shared through Redis, so N web
 * instances cost the fleet what one costs. In each instance, concurrent callers
 * share one in-flight run and reuse its result while it is fresh, as with
 * SingleFlight. A run first looks in Redis: a fresh result from any instance is
 * used as is; otherwise one instance takes a short lock, loads and stores the
 * result for the TTL, while the others wait for it. Failures are not cached.
 *
 * Redis is an optimisation here, never a dependency: when it is down, slow or
 * answers nonsense, the instance loads on its own (in-process coalescing only)
 * after at most REDIS_STEP_TIMEOUT_MS, and logs one warning per outage.
 *
 * Values must survive JSON: every caller gets the value as it reads back from
 * Redis, whichever instance loaded it.
 */

/**
 * Bound on each Redis step of a run. A healthy Redis answers in about a
 * millisecond; past this it is down or overloaded, and loading here beats
 * waiting on it. (The shared client's own command timeout is the node timeout.)
 */
export const REDIS_STEP_TIMEOUT_MS = 200;

/**
 * How often an instance waiting for another's load looks for the result: adds
 * at most this to the waiter's latency, for one tiny Redis call per interval.
 */
export const SHARED_RESULT_POLL_MS = 50;

/**
 * Lock life in node timeouts. A load makes a few node round trips in sequence,
 * each bounded by the node timeout (activity: three statements per node, then
 * the tenant directory). Past this the holder is presumed gone and the next
 * instance to look takes the lock and loads.
 */
export const FLIGHT_LOCK_NODE_TIMEOUTS = 4;

/**
 * The shared result with its remaining life, read on Redis's clock (web hosts'
 * clocks may disagree), or else the lock. A result without an expiry was not
 * written by a SharedFlight; it is ignored and overwritten by the next load.
 * KEYS: result, lock. ARGV: token, lock ms.
 * Reply: {'shared', json, remaining ms} | {'claimed'} | {'wait'}.
 */
const CLAIM_SCRIPT = `
local shared = redis.call('GET', KEYS[1])
if shared then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining > 0 then return {'shared', shared, remaining} end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'claimed'} end
return {'wait'}`;

/**
 * Store the result for the TTL, then release the lock if it is still ours (a
 * load slower than the lock's life may find it taken by another instance).
 * KEYS: result, lock. ARGV: token, json, ttl ms.
 */
const STORE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`;

/** Release the lock after a failed load, if it is still ours. KEYS: lock. ARGV: token. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** What a result key holds. producedAt is for an operator reading Redis; freshness comes from the key's expiry. */
export interface StoredResult<T> {
  producedAt: string;
  value: T;
}

export interface Loaded<T> {
  value: T;
  /** How much longer this instance may reuse the value without asking again. */
  freshForMs: number;
}

export type Claim<T> = ({ kind: 'shared' } & Loaded<T>) | { kind: 'claimed' } | { kind: 'wait' };

export function encodeResult<T>(value: T, producedAt: Date): string {
  const stored: StoredResult<T> = { producedAt: producedAt.toISOString(), value };
  return JSON.stringify(stored);
}

export function decodeResult<T>(json: string): T {
  return (JSON.parse(json) as StoredResult<T>).value;
}

/**
 * A claim script reply. A shared result is reused for what is left of its life
 * in Redis, never longer than the TTL: a result another instance produced most
 * of a TTL ago is asked for again soon, so no caller sees data older than the TTL.
 */
export function decodeClaim<T>(reply: unknown, ttlMs: number): Claim<T> {
  if (Array.isArray(reply)) {
    const [kind, json, remainingMs] = reply as unknown[];
    if (kind === 'claimed' || kind === 'wait') return { kind };
    if (kind === 'shared' && typeof json === 'string' && typeof remainingMs === 'number') {
      return { kind, value: decodeResult<T>(json), freshForMs: Math.min(remainingMs, ttlMs) };
    }
  }
  throw new Error(`unexpected reply from the claim script: ${JSON.stringify(reply)}`);
}

/** One warning when the Redis layer stops working and one line when it works again, however many runs fall back in between. */
export class RedisOutageLog {
  private failing = false;

  constructor(
    private readonly warn: (line: string) => void = console.warn,
    private readonly info: (line: string) => void = console.info,
  ) {}

  failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.warn(`[flight] Redis not usable (${reason}); live reads are coalesced per instance until it is`);
  }

  worked(): void {
    if (!this.failing) return;
    this.failing = false;
    this.info('[flight] Redis usable again; live reads are shared across instances');
  }
}

/** One per process: its flights share the one Redis client, so one outage is one warning. */
const processOutageLog = new RedisOutageLog();

export interface SharedFlightOptions {
  /** The Redis the instances share: the console's client by default. Tests point each instance at their own, or at a dead port. */
  redis?: () => Promise<Redis>;
  redisStepTimeoutMs?: number;
  /** Lock life; default FLIGHT_LOCK_NODE_TIMEOUTS × SHARDSCOPE_NODE_TIMEOUT_MS. */
  lockMs?: number;
  pollMs?: number;
  now?: () => number;
  outageLog?: RedisOutageLog;
}

/**
 * Settles with the work, or fails after `timeoutMs` and aborts the signal the
 * work was given (so it drops its listeners); a late answer is ignored.
 */
function within<R>(work: (gaveUp: AbortSignal) => Promise<R>, timeoutMs: number): Promise<R> {
  const gaveUp = new AbortController();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
      gaveUp.abort();
    }, timeoutMs);
    Promise.resolve()
      .then(() => work(gaveUp.signal))
      .then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/**
 * While a connection is being set up, commands fail at once (no offline queue),
 * so wait for it; any other state (ready, or reconnecting during an outage) goes
 * straight to the command, which then fails fast if Redis is away.
 */
async function whenReady(redis: Redis, gaveUp: AbortSignal): Promise<Redis> {
  if (redis.status === 'connecting' || redis.status === 'connect') await once(redis, 'ready', { signal: gaveUp });
  return redis;
}

export class SharedFlight<T> {
  private readonly local = new Map<string, { promise: Promise<T>; freshUntil: number | null }>();
  private readonly redis: () => Promise<Redis>;
  private readonly redisStepTimeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly outageLog: RedisOutageLog;
  private lockMsSetting: number | undefined;

  constructor(
    private readonly read: FlightRead,
    private readonly ttlMs: number,
    options: SharedFlightOptions = {},
  ) {
    this.redis = options.redis ?? getConnectedRedis;
    this.redisStepTimeoutMs = options.redisStepTimeoutMs ?? REDIS_STEP_TIMEOUT_MS;
    this.pollMs = options.pollMs ?? SHARED_RESULT_POLL_MS;
    this.now = options.now ?? Date.now;
    this.outageLog = options.outageLog ?? processOutageLog;
    this.lockMsSetting = options.lockMs;
  }

  /**
   * Same contract as SingleFlight.run. The in-process entry stays fresh for
   * what is left of the result's life, not a full TTL from when it got here.
   */
  run(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.local.get(key);
    if (entry && (entry.freshUntil === null || this.now() < entry.freshUntil)) return entry.promise;

    const fresh: { promise: Promise<T>; freshUntil: number | null } = { promise: Promise.resolve() as Promise<T>, freshUntil: null };
    fresh.promise = this.loadShared(key, load).then(
      (loaded) => {
        fresh.freshUntil = this.now() + loaded.freshForMs;
        return loaded.value;
      },
      (error: unknown) => {
        if (this.local.get(key) === fresh) this.local.delete(key);
        throw error;
      },
    );
    this.local.set(key, fresh);
    return fresh.promise;
  }

  // Read lazily: the environment is parsed on first use, never at import time.
  private get lockMs(): number {
    this.lockMsSetting ??= FLIGHT_LOCK_NODE_TIMEOUTS * getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS;
    return this.lockMsSetting;
  }

  private async loadShared(key: string, load: () => Promise<T>): Promise<Loaded<T>> {
    const keys = flightKeys(this.read, key);
    const token = randomUUID();
    const waitUntil = this.now() + this.lockMs;
    for (;;) {
      let claim: Claim<T>;
      try {
        const reply = await this.redisStep((redis) => redis.eval(CLAIM_SCRIPT, 2, keys.result, keys.lock, token, this.lockMs));
        claim = decodeClaim<T>(reply, this.ttlMs);
        this.outageLog.worked();
      } catch (error) {
        this.outageLog.failed(error);
        return this.loadAndStore(keys, token, load);
      }
      if (claim.kind === 'shared') return claim;
      if (claim.kind === 'claimed') return this.loadAndStore(keys, token, load);
      // Another instance is loading. Should it fail, its lock goes and our next look takes it.
      if (this.now() >= waitUntil) return this.loadAndStore(keys, token, load);
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /**
   * Whoever loads also stores, lock or not: when Redis was only slow, the others
   * still get the result, and a claim that landed after we stopped waiting for
   * it is released at once rather than when the lock expires.
   */
  private async loadAndStore(keys: FlightKeys, token: string, load: () => Promise<T>): Promise<Loaded<T>> {
    let value: T;
    try {
      value = await load();
    } catch (error) {
      this.inBackground((redis) => redis.eval(RELEASE_SCRIPT, 1, keys.lock, token));
      throw error;
    }
    const json = encodeResult(value, new Date(this.now()));
    // Callers do not wait for the store: instances waiting on us pick the result up when it lands.
    this.inBackground((redis) => redis.eval(STORE_SCRIPT, 2, keys.result, keys.lock, token, json, this.ttlMs));
    return { value: decodeResult<T>(json), freshForMs: this.ttlMs };
  }

  private redisStep<R>(work: (redis: Redis) => Promise<R>): Promise<R> {
    return within(async (gaveUp) => work(await whenReady(await this.redis(), gaveUp)), this.redisStepTimeoutMs);
  }

  private inBackground(work: (redis: Redis) => Promise<unknown>): void {
    this.redisStep(work).then(
      () => this.outageLog.worked(),
      (error: unknown) => this.outageLog.failed(error),
    );
  }
}
