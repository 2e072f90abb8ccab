/**
 * Single-flight with a short TTL: concurrent callers asking for the same key
 * share one in-flight load, and callers within `ttlMs` of its completion reuse
 * its result. So N open browsers cost the fleet what one costs. Failures are
 * not cached: the next caller tries again.
 */
export class SingleFlight<T> {
  private readonly entries = new Map<string, { promise: Promise<T>; settledAt: number | null }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  run(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && (entry.settledAt === null || this.now() - entry.settledAt < this.ttlMs)) return entry.promise;

    const fresh: { promise: Promise<T>; settledAt: number | null } = { promise: Promise.resolve() as Promise<T>, settledAt: null };
    fresh.promise = load().then(
      (value) => {
        fresh.settledAt = this.now();
        return value;
      },
      (error: unknown) => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
        throw error;
      },
    );
    this.entries.set(key, fresh);
    return fresh.promise;
  }
}
