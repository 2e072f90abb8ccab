import { Redis } from 'ioredis';
import pg from 'pg';
import type { FleetFile, ShardConfig } from '@/lib/fleet/fleet-file';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import type { UsageCounter } from '@/lib/tenants/usage-keys';
import type { RoutedTenant } from './tenant-directory';
import { tenantCacheHitRate, weightedTenantPicker } from './tenant-profiles';

/**
 * Demo traffic: app-like sessions, one tenant each, against the shard
 * primaries through PgBouncer only, so the console has live connections, pool
 * pressure, slow queries, an idle-in-transaction session and usage counters to
 * show. Paced to a target rate so the sandbox machine stays usable.
 */

/** The tenant's id ranges: the first screen an app shows, and what the session's point reads aim at. PK probes only. */
const TENANT_ID_RANGES = `
  select (select min(id) from orders where tenant_id = $1) as first_order_id,
         (select max(id) from orders where tenant_id = $1) as last_order_id,
         (select min(id) from events where tenant_id = $1) as first_event_id,
         (select max(id) from events where tenant_id = $1) as last_event_id,
         (select min(id) from app_users where tenant_id = $1) as first_user_id,
         (select max(id) from app_users where tenant_id = $1) as last_user_id`;
/** Order detail page: one PK lookup. */
const ORDER_BY_ID = `
  select id, user_id, amount_cents, status, created_at from orders
  where tenant_id = $1 and id = $2`;
/** Event detail: one PK lookup. */
const EVENT_BY_ID = `
  select id, kind, payload, created_at from events
  where tenant_id = $1 and id = $2`;
/** Profile page: one PK lookup. */
const USER_BY_ID = `
  select id, email, created_at from app_users
  where tenant_id = $1 and id = $2`;
/** Latest orders list: a short backward range scan of the tenant's PK range. */
const RECENT_ORDERS = `
  select id, user_id, amount_cents, status, created_at from orders
  where tenant_id = $1
  order by id desc
  limit 20`;
/** Activity feed page below a cursor: a short PK range scan. */
const EVENTS_PAGE = `
  select id, kind, payload ->> 'path' as path, created_at from events
  where tenant_id = $1 and id < $2
  order by id desc
  limit 50`;
/** Records an app event; the new id extends the session's range for later reads. */
const INSERT_EVENT = `
  insert into events (tenant_id, kind, payload)
  values ($1, $2, $3::jsonb)
  returning id`;
/** Places an order (status defaults to open). */
const INSERT_ORDER = `
  insert into orders (tenant_id, user_id, amount_cents)
  values ($1, $2, $3)
  returning id`;
/** Moves an order along; aimed at the newest order now and then, where it may queue behind an open transaction. */
const UPDATE_ORDER_STATUS = `
  update orders set status = $3, updated_at = now()
  where tenant_id = $1 and id = $2`;
/** Deliberately slow (1.5–2.5 s): a report waiting on something inside the query; feeds the slow-query views. */
const SLOW_WAITING_REPORT = `
  select pg_sleep($2), count(*) as open_orders from orders
  where tenant_id = $1 and status = 'open'`;
/**
 * Deliberately unindexed: free-text search through every event payload of a
 * big tenant (casts and scans all of them; ~50–100 ms at 40k events, against
 * well under 1 ms for the PK lookups), the query a missing-index view should flag.
 */
const UNINDEXED_EVENT_SEARCH = `
  select id, kind, payload ->> 'path' as path, created_at from events
  where tenant_id = $1 and payload::text ilike $2
  order by created_at desc
  limit 20`;
/** Locks the tenant's newest order and is then left open: the idle-in-transaction session operators hunt. */
const LOCK_NEWEST_ORDER = `
  update orders set status = 'paid', updated_at = now()
  where tenant_id = $1 and id = (select max(id) from orders where tenant_id = $1)`;

/** About one query in fifty is deliberately slow (or, for big tenants, half the time unindexed). */
const SLOW_QUERY_SHARE = 1 / 50;
/** Tenants at least this big may get the unindexed search instead of the waiting report. */
const BIG_TENANT_ROWS = 10_000;
/** Chance per query of opening an idle-in-transaction session (about one every 15 s at 25 q/s)… */
const IDLE_TRANSACTION_CHANCE = 1 / 400;
/** …never more than two at a time: each holds one of the shard's five pooled server connections. */
const MAX_IDLE_TRANSACTIONS = 2;
/** Longer than the longest idle transaction (20 s), so an update queued behind one waits rather than failing. */
const QUERY_TIMEOUT_MS = 25_000;
const OUTAGE_LOG_INTERVAL_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;
/** Hits served from cache before a read reaches the database are capped, so one lucky roll stays plausible. */
const MAX_CACHE_HITS_PER_MISS = 50;

/** [operation, share of ordinary traffic]: mostly reads, as in any OLTP app. */
const OPERATION_MIX = [
  ['order_by_id', 25], ['event_by_id', 10], ['user_by_id', 5], ['recent_orders', 15], ['events_page', 15],
  ['insert_event', 18], ['insert_order', 5], ['update_order_status', 7],
] as const;
type Operation = (typeof OPERATION_MIX)[number][0] | 'slow_waiting_report' | 'unindexed_event_search';

const EVENT_KINDS = ['page_view', 'api_request', 'search', 'login', 'order_created', 'email_sent', 'error'];
const PATHS = ['/', '/orders', '/orders/:id', '/search', '/settings', '/billing', '/reports'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'BR', 'IN', 'JP'];
const ORDER_STATUSES = ['paid', 'shipped', 'cancelled', 'refunded'];
const SEARCH_TERMS = ['lorem', 'campaign-1', 'mobile', '/billing', '/reports', 'beta'];

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
