import pg from 'pg';
import { z } from 'zod';
import { TENANT_ROUTE_PG_CHANNEL, type TenantRouteNotification } from './tenant-route-model';

/**
 * Route change notifications: the control DB's trigger NOTIFYs on
 * TENANT_ROUTE_PG_CHANNEL (supabase/migrations/20261122000004_tenant_routes.sql);
 * the worker relays each payload to Redis (TENANT_ROUTE_REDIS_CHANNEL) for apps
 * that cannot reach the control DB; the routing client listens on either.
 *
 * Every worker runs a relay, so a message reaches Redis once per worker. That
 * is deliberate: duplicates cost one tiny PUBLISH each and clients ignore a
 * version they already have, while a single elected relay would leave a gap
 * (lost changes) whenever it restarts. Notifications sent while no listener is
 * connected are lost — Postgres does not queue them for absent listeners — so
 * a listener that reconnects tells its owner (`onListening(resumed)`), and
 * the routing client then revalidates what it has cached.
 *
 * No Shardscope env or fleet file is read here: apps import this through the
 * routing client with their own URLs.
 */

const notificationSchema = z.object({
  tenantId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i),
  version: z.number().int().positive(),
});

/** The payload as the trigger writes it, or null for anything else (never throws on a stranger's NOTIFY). */
export function parseRouteNotification(payload: string): TenantRouteNotification | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = notificationSchema.safeParse(raw);
  return parsed.success ? { tenantId: parsed.data.tenantId.toLowerCase(), version: parsed.data.version } : null;
}

/** Reconnect delays: 500 ms doubling to 30 s, reset once LISTEN is in place again. */
export const LISTEN_MIN_BACKOFF_MS = 500;
export const LISTEN_MAX_BACKOFF_MS = 30_000;
/**
 * An idle LISTEN connection sees no traffic, so a silently dropped one (a NAT
 * or a failover that sends no RST) would look healthy forever. A `select 1`
 * this often finds out; its answer must come within the ping timeout.
 */
export const LISTEN_PING_INTERVAL_MS = 15_000;
export const LISTEN_PING_TIMEOUT_MS = 5_000;

export interface ChannelListener {
  /** Settles once the first subscription is in place (never rejects; awaits forever while the server is away). */
  listening: Promise<void>;
  /** Unsubscribes, closes the connection and stops reconnecting. */
  stop(): Promise<void>;
}

export interface PostgresListenerOptions {
  connectionString: string;
  channel: string;
  onNotification: (payload: string) => void;
  /** Each time LISTEN is in place; `resumed` after a reconnect, when notifications may have been missed. */
  onListening?: (resumed: boolean) => void;
  /** The connection failed or was lost (it is retried with backoff). */
  onError?: (error: unknown) => void;
  applicationName?: string;
  connectTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingIntervalMs?: number;
}

/** A bounded end(): a half-open socket must not hold up a reconnect or a shutdown. */
async function endQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/**
 * LISTEN on one channel with a dedicated connection (LISTEN needs a session:
 * connect directly or through a session-mode pooler, not transaction mode),
 * reconnecting with backoff for as long as it is not stopped.
 */
export function listenOnPostgres(options: PostgresListenerOptions): ChannelListener {
  const minBackoffMs = options.minBackoffMs ?? LISTEN_MIN_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? LISTEN_MAX_BACKOFF_MS;
  const pingIntervalMs = options.pingIntervalMs ?? LISTEN_PING_INTERVAL_MS;
  let stopped = false;
  let current: pg.Client | null = null;
  let wakeFromBackoff: (() => void) | null = null;
  let markListening!: () => void;
  const listening = new Promise<void>((resolve) => (markListening = resolve));

  /** Connects, listens, and resolves with the reason once the connection is gone. */
  async function session(client: pg.Client, resumed: boolean): Promise<unknown> {
    let lose!: (reason: unknown) => void;
    const lost = new Promise<unknown>((resolve) => (lose = resolve));
    client.on('error', lose);
    client.on('end', () => lose(new Error('connection ended')));
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel !== options.channel || message.payload === undefined) return;
      try {
        options.onNotification(message.payload);
      } catch (error) {
        options.onError?.(error);
      }
    });
    await client.query(`listen ${pg.escapeIdentifier(options.channel)}`);
    options.onListening?.(resumed);
    markListening();
    const ping = setInterval(() => {
      client.query('select 1').catch((error: unknown) => lose(error));
    }, pingIntervalMs);
    ping.unref();
    try {
      return await lost;
    } finally {
      clearInterval(ping);
    }
  }

  const loop = (async () => {
    let backoffMs = minBackoffMs;
    let listenedBefore = false;
    while (!stopped) {
      const client = new pg.Client({
        connectionString: options.connectionString,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
        query_timeout: LISTEN_PING_TIMEOUT_MS,
        keepAlive: true,
        application_name: options.applicationName ?? 'shardscope-route-listener',
      });
      current = client;
      try {
        const reason = await session(client, listenedBefore);
        listenedBefore = true;
        backoffMs = minBackoffMs;
        if (!stopped) options.onError?.(reason);
      } catch (error) {
        if (!stopped) options.onError?.(error);
      }
      current = null;
      void endQuietly(client);
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs);
        wakeFromBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeFromBackoff = null;
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  })();

  return {
    listening,
    async stop() {
      stopped = true;
      wakeFromBackoff?.();
      if (current) await endQuietly(current);
      await loop;
    },
  };
}

/** What the relay reports to: the worker's OutageLog logs one line per outage and one on recovery. */
export interface RelayHealth {
  failed(dependency: string, error: unknown): void;
  ok(dependency: string): void;
}

export interface RouteNotificationRelayOptions {
  /** The control DB (the fleet file's control.url): where the trigger NOTIFYs. */
  controlUrl: string;
  /** Publishes one message on TENANT_ROUTE_REDIS_CHANNEL, e.g. `(message) => redis.publish(TENANT_ROUTE_REDIS_CHANNEL, message)`. */
  publish: (message: string) => Promise<unknown>;
  health?: RelayHealth;
  /** Delays between publish attempts of one message; Redis that stays away longer loses it (clients resync on reconnect). */
  publishRetryDelaysMs?: readonly number[];
}

export interface RouteNotificationRelay extends ChannelListener {
  /** Messages published so far (for logs and tests). */
  relayed(): number;
}

export const RELAY_CONTROL_DEPENDENCY = 'control database (route notifications)';
export const RELAY_REDIS_DEPENDENCY = 'redis (route notifications)';
/** A Redis failover or restart takes about a second; past this an app's subscriber is down too and resyncs itself. */
const DEFAULT_PUBLISH_RETRY_DELAYS_MS = [250, 1000] as const;

/**
 * LISTENs on the control DB and PUBLISHes each route notification to Redis, in
 * the order received. Started by the worker (worker/index.ts).
 */
export function startRouteNotificationRelay(options: RouteNotificationRelayOptions): RouteNotificationRelay {
  const health = options.health;
  const retryDelaysMs = options.publishRetryDelaysMs ?? DEFAULT_PUBLISH_RETRY_DELAYS_MS;
  let relayed = 0;
  let chain: Promise<void> = Promise.resolve();

  async function publishWithRetry(message: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await options.publish(message);
        relayed += 1;
        health?.ok(RELAY_REDIS_DEPENDENCY);
        return;
      } catch (error) {
        if (attempt >= retryDelaysMs.length) {
          health?.failed(RELAY_REDIS_DEPENDENCY, error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempt]));
      }
    }
  }

  const listener = listenOnPostgres({
    connectionString: options.controlUrl,
    channel: TENANT_ROUTE_PG_CHANNEL,
    applicationName: 'shardscope-route-relay',
    onNotification: (payload) => {
      const notification = parseRouteNotification(payload);
      if (!notification) {
        console.warn(`[route-relay] ignored a notification that is not a route change: ${payload.slice(0, 120)}`);
        return;
      }
      const message = JSON.stringify(notification);
      chain = chain.then(() => publishWithRetry(message));
    },
    onListening: () => health?.ok(RELAY_CONTROL_DEPENDENCY),
    onError: (error) => health?.failed(RELAY_CONTROL_DEPENDENCY, error),
  });

  return {
    listening: listener.listening,
    relayed: () => relayed,
    async stop() {
      await listener.stop();
      await chain;
    },
  };
}
