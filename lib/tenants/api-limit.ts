/**
 * The pure part of the per-tenant API limit: what a check answers and when a
 * refused caller may try again. The limit is a fixed window, the current UTC
 * hour, because that is the bucket the counters live in (usage-keys.ts) and
 * what tier_limits.max_api_calls_per_hour means to the operator and the customer.
 */

const HOUR_MS = 3_600_000;

export interface ApiLimitDecision {
  /** False: answer 429 with `Retry-After: retryAfterSeconds`. */
  allowed: boolean;
  /** API calls counted in this UTC hour after this check (this one included when allowed). */
  used: number;
  /**
   * The tier's max_api_calls_per_hour. null when it has never been known (control
   * DB unreachable since this process started, or no such tenant): the call is
   * allowed and counted — failing open.
   */
  limit: number | null;
  /** 0 when allowed; otherwise whole seconds until the next UTC hour, when the window starts again. */
  retryAfterSeconds: number;
}

/** Whole seconds from `now` to the start of the next UTC hour: 1 to 3600, never 0 (a Retry-After of 0 invites a retry storm). */
export function secondsToNextUtcHour(now: Date): number {
  const intoHourMs = ((now.getTime() % HOUR_MS) + HOUR_MS) % HOUR_MS;
  return Math.max(1, Math.ceil((HOUR_MS - intoHourMs) / 1000));
}

/** The Lua script's limit argument for "no limit known": allow and count. */
export const NO_KNOWN_LIMIT = -1;

/** Turns the script's `[allowed, used]` reply into the decision apps read. */
export function toApiLimitDecision(reply: readonly [number, number], limit: number | null, now: Date): ApiLimitDecision {
  const allowed = reply[0] === 1;
  return { allowed, used: reply[1], limit, retryAfterSeconds: allowed ? 0 : secondsToNextUtcHour(now) };
}

/** API calls one check stands for: a positive whole number (a batch is allowed or refused whole). */
export function assertCallCount(calls: number): number {
  if (!Number.isSafeInteger(calls) || calls < 1) throw new RangeError(`calls must be a positive integer, got ${calls}`);
  return calls;
}
