import { Redis } from 'ioredis';
import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import type { UsageCounter } from '@/lib/tenants/usage-keys';
import type { RoutedTenant } from './tenant-directory';
import { tenantCacheHitRate, weightedTenantPicker } from './tenant-profiles';
import {
  TENANT_ID_RANGES,
  ORDER_BY_ID,
  EVENT_BY_ID,
  USER_BY_ID,
  RECENT_ORDERS,
  EVENTS_PAGE,
  INSERT_EVENT,
  INSERT_ORDER,
  UPDATE_ORDER_STATUS,
  SLOW_WAITING_REPORT,
  UNINDEXED_EVENT_SEARCH,
  LOCK_NEWEST_ORDER,
  SLOW_QUERY_SHARE,
  BIG_TENANT_ROWS,
  IDLE_TRANSACTION_CHANCE,
  MAX_IDLE_TRANSACTIONS,
  QUERY_TIMEOUT_MS,
  OUTAGE_LOG_INTERVAL_MS,
  MAX_BACKOFF_MS,
  MAX_CACHE_HITS_PER_MISS,
  OPERATION_MIX,
  Operation,
  EVENT_KINDS,
  PATHS,
  COUNTRIES,
  ORDER_STATUSES,
  SEARCH_TERMS,
} from './load-queries';

/**
 * Demo traffic: app-like sessions, one tenant each, against the shard
 * primaries through PgBouncer only, so the console has live connections, pool
 * pressure, slow queries, an idle-in-transaction session and usage counters to
 * show. Paced to a target rate so the sandbox machine stays usable.
 */


export interface DemoLoadOptions {
  signal: AbortSignal;
  concurrency?: number;
  targetQps?: number;
  log?: (line: string) => void;
  random?: () => number;
}

export interface DemoLoadSummary {
  sessions: number;
  queries: number;
  errors: number;
  /** Deliberately slow queries (waiting reports and unindexed searches). */
  slowQueries: number;
  unindexedSearches: number;
  idleInTransactionSessions: number;
}

/** The tenant's first and last id per table (null: no rows yet), kept current as the session inserts. */
type IdRanges = Record<'orders' | 'events' | 'app_users', { first: number; last: number } | null>;

type UsageCounts = Partial<Record<UsageCounter, number>>;

/** Resolves after `ms`, or at once when the load is stopped. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Lost or unreachable server (including PgBouncer giving up on it), as opposed to an error in one statement. */
function isConnectionFailure(error: unknown): boolean {
  const { code = '', message = '' } = error as { code?: string; message?: string };
  return /^(08|57P)/.test(code) || /^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH)/.test(code) || /terminat|timeout|connect|closed/i.test(message);
}

export async function runDemoLoad(fleet: FleetFile, tenants: RoutedTenant[], options: DemoLoadOptions): Promise<DemoLoadSummary> {
  const { signal, concurrency = 6, targetQps = 25, log = () => {}, random = Math.random } = options;
  const summary: DemoLoadSummary = { sessions: 0, queries: 0, errors: 0, slowQueries: 0, unindexedSearches: 0, idleInTransactionSessions: 0 };
  const shards = new Map(fleet.shards.filter((shard) => shard.pooler).map((shard) => [shard.id, shard]));
  const routable = tenants.filter((tenant) => shards.has(tenant.shardId));
  if (routable.length === 0) throw new Error('demo load: no tenant lives on a shard with a pooler in the fleet file');
  const pickTenant = weightedTenantPicker(routable, random);
  const mixTotal = OPERATION_MIX.reduce((sum, [, share]) => sum + share, 0);
  const pickOperation = (): Operation => {
    let roll = random() * mixTotal;
    for (const [operation, share] of OPERATION_MIX) if ((roll -= share) < 0) return operation;
    return OPERATION_MIX[0][0];
  };
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const oneOf = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];

  const lastLogged = new Map<string, number>();
  const logEvery = (topic: string, line: string) => {
    if (Date.now() - (lastLogged.get(topic) ?? 0) < OUTAGE_LOG_INTERVAL_MS) return;
    lastLogged.set(topic, Date.now());
    log(line);
  };

  // Shards that failed recently are skipped until their backoff ends (0.5 s doubling to 10 s).
  const outages = new Map<string, { failures: number; retryAt: number }>();
  const shardFailed = (shardId: string, error: unknown) => {
    const failures = (outages.get(shardId)?.failures ?? 0) + 1;
    const backoffMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
    outages.set(shardId, { failures, retryAt: Date.now() + backoffMs });
    logEvery(`shard:${shardId}`, `${shardId}: unreachable through its pooler (${(error as Error).message}); backing off ${backoffMs / 1000} s`);
  };
  const shardAnswered = (shardId: string) => {
    if (outages.delete(shardId)) log(`${shardId}: answering again`);
  };
  const shardAvailable = (shardId: string) => (outages.get(shardId)?.retryAt ?? 0) <= Date.now();

  // One shared pace for all workers; a slow worker frees its slot rather than earning a burst later.
  let nextSlotAt = Date.now();
  const awaitSlot = async () => {
    const now = Date.now();
    const slot = Math.max(nextSlotAt, now);
    nextSlotAt = slot + 1000 / targetQps;
    await pause(slot - now, signal);
  };

  const redis = new Redis(fleet.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  redis.on('error', () => {});
  await redis.connect().catch((error: Error) => log(`redis: not reachable (${error.message}); usage counters will be skipped`));
  const countUsage = async (tenantId: string, counts: UsageCounts) => {
    try {
      await recordTenantUsage(redis, tenantId, counts);
    } catch (error) {
      logEvery('redis', `redis: usage not recorded (${(error as Error).message})`);
    }
  };
  /** A read that reached the database is a cache miss; the hits before it were served from cache. */
  const readUsage = (tenant: RoutedTenant): UsageCounts => {
    const hitRate = tenantCacheHitRate(tenant.id);
    let hits = 0;
    while (hits < MAX_CACHE_HITS_PER_MISS && random() < hitRate) hits += 1;
    return { api_calls: hits + 1, cache_hit: hits, cache_miss: 1, cache_set: 1 };
  };

  const openClients = new Set<pg.Client>();
  const closeAll = () => openClients.forEach((client) => void client.end().catch(() => {}));
  signal.addEventListener('abort', closeAll, { once: true });

  async function openTenantClient(shard: ShardConfig, tenant: RoutedTenant): Promise<pg.Client | null> {
    const client = new pg.Client({
      connectionString: shard.pooler!.url,
      application_name: `tenant:${tenant.id}`,
      connectionTimeoutMillis: 3000,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('error', () => {}); // a server going away mid-session surfaces on the next query
    openClients.add(client);
    try {
      await client.connect();
      return client;
    } catch (error) {
      openClients.delete(client);
      if (!signal.aborted) shardFailed(shard.id, error);
      return null;
    }
  }

  async function closeClient(client: pg.Client): Promise<void> {
    openClients.delete(client);
    await client.end().catch(() => {});
  }

  async function timedQuery(client: pg.Client, sql: string, values: unknown[]): Promise<pg.QueryResult> {
    summary.queries += 1;
    try {
      return await client.query(sql, values);
    } catch (error) {
      if (!signal.aborted) summary.errors += 1;
      throw error;
    }
  }

  async function runOperation(client: pg.Client, tenant: RoutedTenant, ids: IdRanges, operation: Operation): Promise<UsageCounts> {
    // Id 0 never exists: a tenant without rows gets an empty result, as its app would.
    const idIn = (range: IdRanges[keyof IdRanges]) => (range ? between(range.first, range.last) : 0);
    const inserted = (table: 'orders' | 'events', result: pg.QueryResult) => {
      const id = Number(result.rows[0].id);
      ids[table] = { first: ids[table]?.first ?? id, last: id };
    };
    switch (operation) {
      case 'order_by_id':
        await timedQuery(client, ORDER_BY_ID, [tenant.id, idIn(ids.orders)]);
        return readUsage(tenant);
      case 'event_by_id':
        await timedQuery(client, EVENT_BY_ID, [tenant.id, idIn(ids.events)]);
        return readUsage(tenant);
      case 'user_by_id':
        await timedQuery(client, USER_BY_ID, [tenant.id, idIn(ids.app_users)]);
        return readUsage(tenant);
      case 'recent_orders':
        await timedQuery(client, RECENT_ORDERS, [tenant.id]);
        return readUsage(tenant);
      case 'events_page':
        await timedQuery(client, EVENTS_PAGE, [tenant.id, idIn(ids.events) + 1]);
        return readUsage(tenant);
      case 'insert_event': {
        const payload = { user_id: ids.app_users?.last ?? null, path: oneOf(PATHS), duration_ms: between(5, 900), country: oneOf(COUNTRIES) };
        inserted('events', await timedQuery(client, INSERT_EVENT, [tenant.id, oneOf(EVENT_KINDS), JSON.stringify(payload)]));
        return { api_calls: 1, cache_invalidate: 1 };
      }
      case 'insert_order': {
        const userId = ids.app_users ? idIn(ids.app_users) : null;
        inserted('orders', await timedQuery(client, INSERT_ORDER, [tenant.id, userId, Math.round(Math.exp(4 + random() * 7.5))]));
        return { api_calls: 1, cache_invalidate: 1 };
      }
      case 'update_order_status': {
        const orderId = random() < 0.3 ? (ids.orders?.last ?? 0) : idIn(ids.orders);
        await timedQuery(client, UPDATE_ORDER_STATUS, [tenant.id, orderId, oneOf(ORDER_STATUSES)]);
        return { api_calls: 1, cache_invalidate: 1 };
      }
      case 'slow_waiting_report':
        summary.slowQueries += 1;
        await timedQuery(client, SLOW_WAITING_REPORT, [tenant.id, 1.5 + random()]);
        return { api_calls: 1, cache_miss: 1 };
      case 'unindexed_event_search':
        summary.slowQueries += 1;
        summary.unindexedSearches += 1;
        await timedQuery(client, UNINDEXED_EVENT_SEARCH, [tenant.id, `%${oneOf(SEARCH_TERMS)}%`]);
        return { api_calls: 1, cache_miss: 1 };
    }
  }

  let idleTransactionsOpen = 0;
  const idleTransactions = new Set<Promise<void>>();

  /** BEGIN; lock one order; sit idle for 5–20 s; COMMIT — like an app awaiting an HTTP call mid-transaction. */
  async function holdIdleTransaction(tenant: RoutedTenant): Promise<void> {
    const shard = shards.get(tenant.shardId)!;
    const client = await openTenantClient(shard, tenant);
    if (!client) return;
    summary.idleInTransactionSessions += 1;
    try {
      await timedQuery(client, 'begin', []);
      await timedQuery(client, LOCK_NEWEST_ORDER, [tenant.id]);
      await countUsage(tenant.id, { api_calls: 1, cache_invalidate: 1 });
      await pause(between(5_000, 20_000), signal);
      if (!signal.aborted) await timedQuery(client, 'commit', []);
    } catch (error) {
      if (!signal.aborted && isConnectionFailure(error)) shardFailed(shard.id, error);
    } finally {
      await closeClient(client);
    }
  }

  function maybeOpenIdleTransaction(): void {
    if (idleTransactionsOpen >= MAX_IDLE_TRANSACTIONS || random() >= IDLE_TRANSACTION_CHANCE) return;
    const tenant = pickTenant();
    if (!shardAvailable(tenant.shardId)) return;
    idleTransactionsOpen += 1;
    const held = holdIdleTransaction(tenant).finally(() => {
      idleTransactionsOpen -= 1;
      idleTransactions.delete(held);
    });
    idleTransactions.add(held);
  }

  /** One app session: connect tagged with the tenant, read its id ranges, then 5–35 paced operations. */
  async function runSession(tenant: RoutedTenant): Promise<void> {
    const shard = shards.get(tenant.shardId)!;
    const client = await openTenantClient(shard, tenant);
    if (!client) return;
    summary.sessions += 1;
    try {
      await awaitSlot();
      if (signal.aborted) return;
      const row = (await timedQuery(client, TENANT_ID_RANGES, [tenant.id])).rows[0] as Record<string, string | null>;
      const range = (first: string | null, last: string | null) => (first === null || last === null ? null : { first: Number(first), last: Number(last) });
      const ids: IdRanges = {
        orders: range(row.first_order_id, row.last_order_id),
        events: range(row.first_event_id, row.last_event_id),
        app_users: range(row.first_user_id, row.last_user_id),
      };
      await countUsage(tenant.id, readUsage(tenant));
      shardAnswered(shard.id);
      for (let remaining = between(5, 35); remaining > 0 && !signal.aborted; remaining -= 1) {
        await awaitSlot();
        if (signal.aborted) break;
        maybeOpenIdleTransaction();
        const slow = random() < SLOW_QUERY_SHARE;
        const operation: Operation = !slow ? pickOperation()
          : tenant.sizeRows >= BIG_TENANT_ROWS && random() < 0.5 ? 'unindexed_event_search' : 'slow_waiting_report';
        try {
          await countUsage(tenant.id, await runOperation(client, tenant, ids, operation));
        } catch (error) {
          if (signal.aborted || isConnectionFailure(error)) throw error;
          logEvery('statement', `${shard.id}: ${operation} failed for tenant ${tenant.name} (${(error as Error).message})`);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (isConnectionFailure(error)) shardFailed(shard.id, error);
      else logEvery('statement', `${shard.id}: session of tenant ${tenant.name} failed (${(error as Error).message})`);
    } finally {
      await closeClient(client);
    }
  }

  async function worker(): Promise<void> {
    while (!signal.aborted) {
      const tenant = pickTenant();
      if (shardAvailable(tenant.shardId)) await runSession(tenant);
      // Tenants of a shard in backoff are skipped; the short pause keeps that from spinning.
      else await pause(50, signal);
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    await Promise.all(idleTransactions);
  } finally {
    signal.removeEventListener('abort', closeAll);
    closeAll();
    await redis.quit().catch(() => redis.disconnect());
  }
  return summary;
}
