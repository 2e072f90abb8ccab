import { Redis } from 'ioredis';
import { z } from 'zod';
import { listenOnPostgres, parseRouteNotification, type ChannelListener } from './route-notifications';
import { isStaleForRoute, isStaleRouteError } from './stale-route';
import {
  TENANT_ROUTE_PG_CHANNEL,
  TENANT_ROUTE_REDIS_CHANNEL,
  type TenantRoute,
  type TenantRouteNotification,
} from './tenant-route-model';

export { isStaleRouteError } from './stale-route';

/**
 * The client the platform's apps use to find a tenant's shard: which endpoint
 * takes its writes (the shard's PgBouncer) and which its reads, from
 * Shardscope's GET /api/tenants/:id/route, cached.
 *
 *   const routing = createRoutingClient({
 *     baseUrl: 'https://shardscope.internal',
 *     token: process.env.SHARDSCOPE_APP_TOKEN!,
 *     listen: { redisUrl: process.env.REDIS_URL },          // and/or controlUrl
 *   });
 *   await routing.withRoute(tenantId, async (route) => {
 *     const pool = poolFor(route.writer);                    // host, port, database: the app brings its own credentials
 *     await pool.query('insert into orders ...');            // a stale-route error refreshes the route and retries once
 *   });
 *
 * How a cached route stays right:
 * - A change notification (the control DB's NOTIFY, or the worker's Redis
 *   relay of it; whichever `listen` names) drops the tenant's cached route
 *   and fetches the new one at once when the notification's version is newer
 *   than the cached one; older and duplicate notifications are ignored.
 * - A statement refused by a shard with a stale-route SQLSTATE (SSF01 fenced,
 *   SSM01 moved) makes withRoute refresh and retry once; so does a missing
 *   table or schema for a schema-layout tenant (its old shard's schema is
 *   dropped once it has moved).
 * - After `ttlMs` a use revalidates with If-None-Match (a 304 is one small
 *   round trip). The reader (replica or primary) follows replica lag and has
 *   no notification of its own, so the TTL bounds how long an app keeps
 *   reading from a replica that fell behind; it is also the backstop for a
 *   notification lost while no listener was connected (after a reconnect the
 *   client revalidates everything it holds).
 *
 * When Shardscope does not answer, a route whose TTL merely ran out is served
 * as it is (apps keep working through a console outage); a route known to be
 * outdated (notified, or refused by its shard) is not, and getRoute throws.
 */

export interface RoutingClientOptions {
  /** Shardscope's URL, e.g. https://shardscope.internal */
  baseUrl: string;
  /** SHARDSCOPE_APP_TOKEN: read-only, good for the route API only. */
  token: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Where to hear of route changes, either or both: `controlUrl` LISTENs on
   * the control DB (a direct or session-mode connection; any role may
   * LISTEN), `redisUrl` subscribes to the worker's relay. Neither: TTL only.
   */
  listen?: { controlUrl?: string; redisUrl?: string };
  /** How long a route is used without asking again (default 15 s). */
  ttlMs?: number;
  /** A route request slower than this fails (default 5 s). */
  requestTimeoutMs?: number;
  /** Tenants remembered at most (default 10,000); the least recently used go first. */
  maxTenants?: number;
  /** Listener trouble and failed background refreshes; default: one console.warn per outage. */
  onError?: (error: unknown) => void;
  /** The clock, for tests. */
  now?: () => number;
}

export interface RouteChange {
  tenantId: string;
  /** null when the tenant was not cached before. */
  previous: TenantRoute | null;
  /** null when the tenant is gone from the directory. */
  route: TenantRoute | null;
}

export interface RoutingClient {
  /** The tenant's route: cached, revalidated after the TTL; concurrent calls for one tenant share one request. */
  getRoute(tenantId: string): Promise<TenantRoute>;
  /** Forgets that the cached route is current: the next getRoute asks Shardscope (and never serves the old one). */
  invalidate(tenantId: string): void;
  /** A shard refused the statement because the tenant is fenced there or has moved (SQLSTATE SSF01 / SSM01). */
  isStaleRouteError(error: unknown): boolean;
  /**
   * Runs `work` with the tenant's route; on a stale-route error, refreshes
   * the route and runs it once more. During a move's switch the tenant is
   * fenced for a moment: the retry may hit the fence again, and that error is
   * the app's to treat as retryable (e.g. 503 with Retry-After: 1).
   */
  withRoute<T>(tenantId: string, work: (route: TenantRoute) => Promise<T>): Promise<T>;
  /** Called when a cached route is replaced by a different one (moved, fenced, other reader, deleted). Returns an unsubscribe. */
  onChange(listener: (change: RouteChange) => void): () => void;
  /** Settles once every listener named in `listen` is subscribed (immediately when none is). */
  listening(): Promise<void>;
  /** Stops listening; the client answers nothing afterwards. */
  close(): Promise<void>;
}

/** The route API's error, with its HTTP status (null when Shardscope did not answer). */
export class RouteLookupError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RouteLookupError';
  }
}

export const DEFAULT_ROUTE_TTL_MS = 15_000;
export const DEFAULT_ROUTE_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_ROUTE_MAX_TENANTS = 10_000;
/** While Shardscope fails, an expired route is served this long before the next attempt: an outage costs one request per tenant per few seconds. */
export const ROUTE_RETRY_AFTER_FAILURE_MS = 2_000;
/**
 * A fetch that returns an older version than a notification announced was
 * under way before the change committed; asking again sees it (the API reads
 * the control primary, and NOTIFY is delivered after commit).
 */
const MAX_FETCHES_PER_REFRESH = 3;

const TENANT_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const endpointSchema = z.object({ host: z.string(), port: z.number().int(), database: z.string() });
const tenantRouteSchema: z.ZodType<TenantRoute> = z.object({
  tenantId: z.string(),
  shardId: z.string(),
  status: z.enum(['active', 'moving', 'fenced', 'suspended']),
  layout: z.enum(['shared', 'schema']),
  schemaName: z.string().nullable(),
  writer: endpointSchema,
  reader: endpointSchema.extend({ nodeId: z.string(), role: z.enum(['primary', 'replica']), reason: z.string() }),
  version: z.number().int().positive(),
});


interface TenantEntry {
  route: TenantRoute | null;
  etag: string | null;
  /** Until then the route is used without asking. */
  freshUntil: number;
  /** A notification or a shard said the cached route is old: never serve it again. */
  outdated: boolean;
  /** The highest version a notification announced. */
  announcedVersion: number;
  loading: Promise<TenantRoute> | null;
}

type FetchResult = { kind: 'route'; route: TenantRoute; etag: string | null } | { kind: 'not-modified' } | { kind: 'gone' };

export function createRoutingClient(options: RoutingClientOptions): RoutingClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const ttlMs = options.ttlMs ?? DEFAULT_ROUTE_TTL_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_ROUTE_REQUEST_TIMEOUT_MS;
  const maxTenants = Math.max(1, options.maxTenants ?? DEFAULT_ROUTE_MAX_TENANTS);
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const entries = new Map<string, TenantEntry>();
  const changeListeners = new Set<(change: RouteChange) => void>();
  const channelListeners: ChannelListener[] = [];
  let closed = false;

  const warnedSources = new Set<string>();
  /** One warning per source until it recovers: a Redis outage must not flood the app's log. */
  function reportError(error: unknown, source = 'route requests'): void {
    if (options.onError) return options.onError(error);
    if (warnedSources.has(source)) return;
    warnedSources.add(source);
    console.warn(`[routing-client] ${source}: ${(error as Error)?.message ?? String(error)}`);
  }
  const recovered = (source: string) => warnedSources.delete(source);

  /** Map order is recency order: re-inserting moves the tenant to the end, eviction takes the front. */
  function touch(tenantId: string, entry: TenantEntry): void {
    entries.delete(tenantId);
    entries.set(tenantId, entry);
    while (entries.size > maxTenants) entries.delete(entries.keys().next().value as string);
  }

  function emit(change: RouteChange): void {
    for (const listener of changeListeners) {
      try {
        listener(change);
      } catch (error) {
        reportError(error);
      }
    }
  }

  async function fetchRoute(tenantId: string, etag: string | null): Promise<FetchResult> {
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}/api/tenants/${encodeURIComponent(tenantId)}/route`, {
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(etag ? { 'if-none-match': etag } : {}),
        },
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      throw new RouteLookupError(`route of tenant ${tenantId}: Shardscope did not answer (${(error as Error).message})`, null, { cause: error });
    }
    if (response.status === 304) return { kind: 'not-modified' };
    if (response.status === 404) return { kind: 'gone' };
    if (!response.ok) {
      const detail = await response
        .json()
        .then((body: { error?: { message?: string } }) => body.error?.message)
        .catch(() => undefined);
      throw new RouteLookupError(`route of tenant ${tenantId}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`, response.status);
    }
    const parsed = tenantRouteSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new RouteLookupError(`route of tenant ${tenantId}: unexpected answer`, response.status);
    return { kind: 'route', route: parsed.data, etag: response.headers.get('etag') };
  }

  async function load(tenantId: string, entry: TenantEntry): Promise<TenantRoute> {
    const original = entry.route;
    for (let attempt = 1; ; attempt += 1) {
      let result: FetchResult;
      try {
        result = await fetchRoute(tenantId, entry.route ? entry.etag : null);
      } catch (error) {
        // Only an expired route is served through an outage; a 4xx or an outdated route is not.
        const unreachable = error instanceof RouteLookupError && (error.status === null || error.status >= 500);
        if (unreachable && entry.route && !entry.outdated) {
          entry.freshUntil = now() + Math.min(ttlMs, ROUTE_RETRY_AFTER_FAILURE_MS);
          reportError(error);
          return entry.route;
        }
        // Nothing worth keeping: a tenant never loaded is not remembered.
        if (!entry.route && entries.get(tenantId) === entry) entries.delete(tenantId);
        throw error;
      }
      const previous = entry.route;
      if (result.kind === 'gone') {
        if (entries.get(tenantId) === entry) entries.delete(tenantId);
        if (original) emit({ tenantId, previous: original, route: null });
        throw new RouteLookupError(`no tenant ${tenantId} in the directory`, 404);
      }
      // If-None-Match is sent only with a cached route, so a 304 always has one to confirm.
      if (result.kind === 'not-modified' && !previous) throw new RouteLookupError(`route of tenant ${tenantId}: 304 to an unconditional request`, 304);
      const next = result.kind === 'route' ? result : { route: previous!, etag: entry.etag };
      entry.route = next.route;
      entry.etag = next.etag;
      if (next.route.version < entry.announcedVersion && attempt < MAX_FETCHES_PER_REFRESH) continue;
      entry.outdated = false;
      entry.freshUntil = now() + ttlMs;
      recovered('route requests');
      if (original && JSON.stringify(original) !== JSON.stringify(next.route)) emit({ tenantId, previous: original, route: next.route });
      return next.route;
    }
  }

  /** One request per tenant at a time: a burst of callers after expiry (or a notification) shares it. */
  function refresh(tenantId: string, entry: TenantEntry): Promise<TenantRoute> {
    if (entry.loading) return entry.loading;
    entry.loading = load(tenantId, entry).finally(() => {
      entry.loading = null;
    });
    return entry.loading;
  }

  async function getRoute(tenantId: string): Promise<TenantRoute> {
    if (closed) throw new Error('routing client is closed');
    if (!TENANT_ID_SHAPE.test(tenantId)) throw new TypeError(`not a tenant id: "${tenantId}"`);
    const id = tenantId.toLowerCase();
    let entry = entries.get(id);
    if (!entry) entry = { route: null, etag: null, freshUntil: 0, outdated: false, announcedVersion: 0, loading: null };
    touch(id, entry);
    if (entry.route && !entry.outdated && now() < entry.freshUntil) return entry.route;
    return refresh(id, entry);
  }

  function invalidate(tenantId: string): void {
    const entry = entries.get(tenantId.toLowerCase());
    if (entry) entry.outdated = true;
  }

  /** A newer version than the cached one: drop it and fetch the new route now, so the next use finds it. */
  function onNotification(notification: TenantRouteNotification): void {
    const entry = entries.get(notification.tenantId);
    // Tenants this app never asked for are not its business.
    if (!entry) return;
    entry.announcedVersion = Math.max(entry.announcedVersion, notification.version);
    if (entry.route && entry.route.version >= notification.version) return;
    entry.outdated = true;
    refresh(notification.tenantId, entry).catch((error: unknown) => {
      if (!(error instanceof RouteLookupError && error.status === 404)) reportError(error);
    });
  }

  /** After a (re)subscription, changes may have gone unheard: revalidate every cached route on its next use. */
  function resync(): void {
    for (const entry of entries.values()) entry.freshUntil = 0;
  }

  function handlePayload(payload: string): void {
    const notification = parseRouteNotification(payload);
    if (notification) onNotification(notification);
  }

  if (options.listen?.controlUrl) {
    channelListeners.push(
      listenOnPostgres({
        connectionString: options.listen.controlUrl,
        channel: TENANT_ROUTE_PG_CHANNEL,
        applicationName: 'shardscope-routing-client',
        onNotification: handlePayload,
        onListening: () => {
          recovered('control DB listener');
          resync();
        },
        onError: (error) => reportError(error, 'control DB listener'),
      }),
    );
  }

  if (options.listen?.redisUrl) channelListeners.push(subscribeOnRedis(options.listen.redisUrl));

  function subscribeOnRedis(redisUrl: string): ChannelListener {
    const subscriber = new Redis(redisUrl, {
      lazyConnect: true,
      // A subscriber only waits: reconnect forever, 0.5 s doubling to 30 s.
      retryStrategy: (attempt) => Math.min(500 * 2 ** Math.min(attempt, 6), 30_000),
      maxRetriesPerRequest: null,
    });
    subscriber.on('error', (error) => reportError(error, 'Redis listener'));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === TENANT_ROUTE_REDIS_CHANNEL) handlePayload(message);
    });
    let subscribedOnce = false;
    // ioredis resubscribes on every reconnect before it is 'ready' again.
    subscriber.on('ready', () => {
      if (!subscribedOnce) return;
      recovered('Redis listener');
      resync();
    });
    const listening = (async () => {
      for (;;) {
        try {
          if (subscriber.status === 'wait') await subscriber.connect();
          await subscriber.subscribe(TENANT_ROUTE_REDIS_CHANNEL);
          subscribedOnce = true;
          resync();
          return;
        } catch (error) {
          if (closed) return;
          reportError(error, 'Redis listener');
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();
    return {
      listening,
      async stop() {
        subscriber.disconnect();
      },
    };
  }

  return {
    getRoute,
    invalidate,
    isStaleRouteError,
    async withRoute(tenantId, work) {
      const route = await getRoute(tenantId);
      try {
        return await work(route);
      } catch (error) {
        if (!isStaleForRoute(route, error)) throw error;
        invalidate(tenantId);
        return work(await getRoute(tenantId));
      }
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    async listening() {
      await Promise.all(channelListeners.map((listener) => listener.listening));
    },
    async close() {
      closed = true;
      changeListeners.clear();
      await Promise.all(channelListeners.map((listener) => listener.stop()));
    },
  };
}
