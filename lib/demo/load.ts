import type pg from 'pg';
import type { FleetFile } from '@/lib/fleet/fleet-file';
import { readIdRanges, runOperation, type TenantQuery } from './load-operations';
import {
  BIG_TENANT_ROWS,
  IDLE_TRANSACTION_CHANCE,
  MAX_IDLE_TRANSACTIONS,
  OPERATION_MIX,
  SLOW_QUERY_SHARE,
  loadStatementsFor,
  type Operation,
} from './load-queries';
import { ShardOutages, TenantConnections, isConnectionFailure, logAtMostEvery } from './load-shards';
import { openLoadUsage, plannedUsage } from './load-usage';
import type { RoutedTenant } from './tenant-directory';
import { weightedTenantPicker } from './tenant-traits';

/**
 * Demo traffic: app-like sessions, one tenant each, against the shard
 * primaries through PgBouncer only, so the console has live connections, pool
 * pressure, slow queries, an idle-in-transaction session, usage counters and
 * API limits to show. Every request passes the tenant's hourly API limit
 * first, as the platform's apps do; a refused one is answered 429 and never
 * reaches the shard. Paced to a target rate so the sandbox machine stays usable.
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
  /** API calls the tenants' hourly limits refused (429), and the operations skipped for it. */
  rateLimitedCalls: number;
  rateLimitedOperations: number;
  /** Tenants refused at least once, by tier. */
  rateLimitedTenantsByTier: Record<string, number>;
}

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

export async function runDemoLoad(fleet: FleetFile, tenants: RoutedTenant[], options: DemoLoadOptions): Promise<DemoLoadSummary> {
  const { signal, concurrency = 6, targetQps = 25, log = () => {}, random = Math.random } = options;
  const summary: DemoLoadSummary = {
    sessions: 0, queries: 0, errors: 0, slowQueries: 0, unindexedSearches: 0, idleInTransactionSessions: 0,
    rateLimitedCalls: 0, rateLimitedOperations: 0, rateLimitedTenantsByTier: {},
  };
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

  const logEvery = logAtMostEvery(log);
  const outages = new ShardOutages(log, logEvery);
  const connections = new TenantConnections(signal, outages);
  const usage = await openLoadUsage(fleet, log, logEvery);
  const closeAll = () => connections.closeAll();
  signal.addEventListener('abort', closeAll, { once: true });

  // One shared pace for all workers; a slow worker frees its slot rather than earning a burst later.
  let nextSlotAt = Date.now();
  const awaitSlot = async () => {
    const now = Date.now();
    const slot = Math.max(nextSlotAt, now);
    nextSlotAt = slot + 1000 / targetQps;
    await pause(slot - now, signal);
  };

  const queryOn = (client: pg.Client): TenantQuery => async (sql, values) => {
    summary.queries += 1;
    try {
      return await client.query(sql, values);
    } catch (error) {
      if (!signal.aborted) summary.errors += 1;
      throw error;
    }
  };

  let idleTransactionsOpen = 0;
  const idleTransactions = new Set<Promise<void>>();

  /** BEGIN; lock one order; sit idle for 5–20 s; COMMIT — like an app awaiting an HTTP call mid-transaction. */
  async function holdIdleTransaction(tenant: RoutedTenant): Promise<void> {
    const shard = shards.get(tenant.shardId)!;
    const planned = plannedUsage(tenant, 'update_order_status', random);
    if (!(await usage.admit(tenant, planned))) return;
    const client = await connections.connect(shard, tenant);
    if (!client) return;
    summary.idleInTransactionSessions += 1;
    const query = queryOn(client);
    try {
      await query('begin', []);
      await query(loadStatementsFor(tenant.schemaName).LOCK_NEWEST_ORDER, [tenant.id]);
      await usage.record(tenant, planned);
      await pause(between(5_000, 20_000), signal);
      if (!signal.aborted) await query('commit', []);
    } catch (error) {
      if (!signal.aborted && isConnectionFailure(error)) outages.failed(shard.id, error);
    } finally {
      await connections.close(client);
    }
  }

  function maybeOpenIdleTransaction(): void {
    if (idleTransactionsOpen >= MAX_IDLE_TRANSACTIONS || random() >= IDLE_TRANSACTION_CHANCE) return;
    const tenant = pickTenant();
    if (!outages.available(tenant.shardId)) return;
    idleTransactionsOpen += 1;
    const held = holdIdleTransaction(tenant).finally(() => {
      idleTransactionsOpen -= 1;
      idleTransactions.delete(held);
    });
    idleTransactions.add(held);
  }

  /**
   * One app session: its first screen (the tenant's id ranges), then 5–35 paced
   * operations. The session ends at the first 429, as a client backing off
   * would; a tenant refused on its first screen never connects.
   */
  async function runSession(tenant: RoutedTenant): Promise<void> {
    const shard = shards.get(tenant.shardId)!;
    await awaitSlot();
    if (signal.aborted) return;
    const firstScreen = plannedUsage(tenant, 'tenant_id_ranges', random);
    if (!(await usage.admit(tenant, firstScreen))) return;
    const client = await connections.connect(shard, tenant);
    if (!client) return;
    summary.sessions += 1;
    const query = queryOn(client);
    try {
      const ids = await readIdRanges(query, tenant);
      await usage.record(tenant, firstScreen);
      outages.answered(shard.id);
      for (let remaining = between(5, 35); remaining > 0 && !signal.aborted; remaining -= 1) {
        await awaitSlot();
        if (signal.aborted) break;
        maybeOpenIdleTransaction();
        const slow = random() < SLOW_QUERY_SHARE;
        const operation: Operation = !slow ? pickOperation()
          : tenant.sizeRows >= BIG_TENANT_ROWS && random() < 0.5 ? 'unindexed_event_search' : 'slow_waiting_report';
        const planned = plannedUsage(tenant, operation, random);
        if (!(await usage.admit(tenant, planned))) break;
        if (slow) summary.slowQueries += 1;
        if (operation === 'unindexed_event_search') summary.unindexedSearches += 1;
        try {
          await runOperation(query, tenant, ids, operation, random);
          await usage.record(tenant, planned);
        } catch (error) {
          if (signal.aborted || isConnectionFailure(error)) throw error;
          logEvery('statement', `${shard.id}: ${operation} failed for tenant ${tenant.name} (${(error as Error).message})`);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (isConnectionFailure(error)) outages.failed(shard.id, error);
      else logEvery('statement', `${shard.id}: session of tenant ${tenant.name} failed (${(error as Error).message})`);
    } finally {
      await connections.close(client);
    }
  }

  async function worker(): Promise<void> {
    while (!signal.aborted) {
      const tenant = pickTenant();
      if (outages.available(tenant.shardId)) await runSession(tenant);
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
    await usage.close();
  }
  const refusals = usage.refusals();
  summary.rateLimitedCalls = refusals.calls;
  summary.rateLimitedOperations = refusals.operations;
  summary.rateLimitedTenantsByTier = refusals.tenantsByTier;
  return summary;
}
