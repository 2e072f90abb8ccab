/**
 * Each tenant's hourly API limit, remembered briefly so a check costs one Redis
 * round trip and not a control-DB query too. No I/O of its own: the loader
 * and the clock are passed in, so it is unit-tested with fakes.
 *
 * What the app sees while the control DB misbehaves:
 * - a load that fails or takes longer than loadTimeoutMs → the last known
 *   limit, however old (tier limits change rarely; a stale limit beats none);
 * - a tenant never loaded → null (the caller fails open and counts the call);
 * - either way the next attempt waits retryAfterFailureMs, so an outage costs
 *   the control DB one query per tenant per few seconds, not one per API call.
 * A load that lands after its timeout still refreshes the entry.
 */

export interface TenantLimitCacheOptions {
  /** The tenant's max_api_calls_per_hour; null when the directory has no such tenant. */
  load: (tenantId: string) => Promise<number | null>;
  /** How long a loaded limit is trusted: a tier edit reaches every app within this. */
  ttlMs?: number;
  /** Tenants remembered at most; the least recently checked go first. */
  maxTenants?: number;
  loadTimeoutMs?: number;
  retryAfterFailureMs?: number;
  now?: () => number;
}

export type LimitSource = 'fresh' | 'stale' | 'unknown';

export interface CachedLimit {
  limit: number | null;
  /** fresh: loaded within the TTL; stale: the last known limit (control DB failing); unknown: never known. */
  source: LimitSource;
}

interface Entry {
  limit: number | null;
  /** Whether `limit` came from the control DB (a stand-in after a failure is not). */
  known: boolean;
  trustedUntil: number;
}

export const DEFAULT_LIMIT_TTL_MS = 30_000;
export const DEFAULT_MAX_TENANTS = 10_000;
export const DEFAULT_LOAD_TIMEOUT_MS = 1_000;
export const DEFAULT_RETRY_AFTER_FAILURE_MS = 5_000;

export class TenantLimitCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<number | null>>();
  private readonly load: TenantLimitCacheOptions['load'];
  private readonly ttlMs: number;
  private readonly maxTenants: number;
  private readonly loadTimeoutMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly now: () => number;

  constructor(options: TenantLimitCacheOptions) {
    this.load = options.load;
    this.ttlMs = options.ttlMs ?? DEFAULT_LIMIT_TTL_MS;
    this.maxTenants = Math.max(1, options.maxTenants ?? DEFAULT_MAX_TENANTS);
    this.loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(tenantId: string): Promise<CachedLimit> {
    const entry = this.entries.get(tenantId);
    if (entry && this.now() < entry.trustedUntil) {
      this.remember(tenantId, entry);
      return { limit: entry.limit, source: entry.known ? 'fresh' : entry.limit === null ? 'unknown' : 'stale' };
    }
    try {
      return { limit: await this.withTimeout(this.refresh(tenantId)), source: 'fresh' };
    } catch {
      const fallback: Entry = {
        limit: entry?.limit ?? null,
        known: false,
        trustedUntil: this.now() + this.retryAfterFailureMs,
      };
      // A refresh that finished meanwhile (after the timeout) wins over the stand-in.
      const latest = this.entries.get(tenantId);
      if (latest && latest !== entry && latest.known) return { limit: latest.limit, source: 'fresh' };
      this.remember(tenantId, fallback);
      return { limit: fallback.limit, source: fallback.limit === null ? 'unknown' : 'stale' };
    }
  }

  /** One load per tenant at a time: a burst of checks after expiry queries the control DB once. */
  private refresh(tenantId: string): Promise<number | null> {
    const inFlight = this.loading.get(tenantId);
    if (inFlight) return inFlight;
    const loaded = this.load(tenantId)
      .then((limit) => {
        this.remember(tenantId, { limit, known: true, trustedUntil: this.now() + this.ttlMs });
        return limit;
      })
      .finally(() => this.loading.delete(tenantId));
    this.loading.set(tenantId, loaded);
    return loaded;
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`tier limit not loaded within ${this.loadTimeoutMs} ms`)), this.loadTimeoutMs);
      timer.unref?.();
    });
    // The load keeps running past the timeout; its failure then has no one waiting on it.
    work.catch(() => {});
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Map order is recency order: re-inserting moves the tenant to the end, eviction takes the front. */
  private remember(tenantId: string, entry: Entry): void {
    this.entries.delete(tenantId);
    this.entries.set(tenantId, entry);
    while (this.entries.size > this.maxTenants) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
