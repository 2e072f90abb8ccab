import { SingleFlight } from '@/lib/fleet/single-flight';
import { WINDOW_SECONDS, loadBalanceData, type BalanceTenant } from './balance-data';
import type { BalanceQuery } from './plan-request';
import { bigTenants, capacityNotes, fleetAdvice } from './capacity';
import { PLACEMENT_RULE } from './placement';
import { DEFAULT_BYTES_WEIGHT, DEFAULT_THRESHOLD_PCT, DIMENSIONS, type BalanceReport, type Dimension } from './rebalance-model';
import { compareIds, skewOf, summarizeShards } from './weights';

/**
 * GET /api/balance: how uneven the shards are, from the control plane's
 * directory, measured storage and samples (balance-data.ts), put together by
 * the pure functions beside it. One read of the data, no shard touched.
 */

/**
 * Big-tenant advice by load waits until the window holds this much sampled
 * tenant activity (seconds, fleet-wide): a fresh fleet's first few samples
 * would otherwise crown whichever tenant happened to be busy at that moment.
 */
export const MIN_FLEET_LOAD_FOR_ADVICE_S = 600;

/** Tenants listed per shard as its heaviest, by bytes and by load. */
export const HEAVIEST_TENANTS_SHOWN = 5;

type ReportShard = BalanceReport['shards'][number];

/** The n largest by `value` (ties by id, so the list is stable); tenants with nothing of it are not "heavy". */
function heaviest(tenants: BalanceTenant[], value: (tenant: BalanceTenant) => number): BalanceTenant[] {
  return tenants
    .filter((tenant) => value(tenant) > 0)
    .sort((a, b) => value(b) - value(a) || compareIds(a.tenantId, b.tenantId))
    .slice(0, HEAVIEST_TENANTS_SHOWN);
}

/**
 * Viewers asking for the same report at the same moment share one load (at
 * 100k tenants it reads every tenant row). No reuse after it settles: a page
 * reloaded after a pin or a status change sees it.
 */
const inFlight = new SingleFlight<BalanceReport>(0);

export function getBalanceReport(query: BalanceQuery): Promise<BalanceReport> {
  return inFlight.run(`${query.window}|${query.dimension}`, () => buildBalanceReport(query));
}

async function buildBalanceReport(query: BalanceQuery): Promise<BalanceReport> {
  const { tenants, shards, numbers } = await loadBalanceData({ windowSeconds: WINDOW_SECONDS[query.window], withTrends: true });
  const totals = summarizeShards(tenants, shards, query.dimension, DEFAULT_BYTES_WEIGHT);
  const totalsById = new Map(totals.map((shard) => [shard.shardId, shard]));
  const tenantsByShard = new Map<string, BalanceTenant[]>();
  for (const tenant of tenants) {
    const list = tenantsByShard.get(tenant.shardId) ?? [];
    list.push(tenant);
    tenantsByShard.set(tenant.shardId, list);
  }
  const counted = numbers.filter((shard) => shard.status !== 'retired');
  const fleetLoad = counted.reduce((sum, shard) => sum + (totalsById.get(shard.shardId)?.load ?? 0), 0);

  const reportShards = numbers.map((shard): ReportShard => {
    const total = totalsById.get(shard.shardId)!;
    const own = tenantsByShard.get(shard.shardId) ?? [];
    return {
      shardId: shard.shardId,
      name: shard.name,
      status: shard.status,
      stale: shard.stale,
      tenants: total.tenants,
      bytes: total.bytes,
      load: total.load,
      loadShare: shard.status !== 'retired' && fleetLoad > 0 ? total.load / fleetLoad : null,
      commitsPerSecond: shard.commitsPerSecond,
      statementSecondsPerSecond: shard.statementSecondsPerSecond,
      connectionsUsed: shard.connectionsUsed,
      connectionsMax: shard.connectionsMax,
      weight: total.weight,
      ratioToMean: total.ratioToMean,
      heaviestByBytes: heaviest(own, (tenant) => tenant.bytes).map(({ tenantId, name, bytes, pinned }) => ({ tenantId, name, bytes, pinned })),
      heaviestByLoad: heaviest(own, (tenant) => tenant.load).map(({ tenantId, name, load, pinned }) => ({ tenantId, name, load, pinned })),
    };
  });

  const loadIsEnoughForAdvice = fleetLoad >= MIN_FLEET_LOAD_FOR_ADVICE_S;

  const skew = Object.fromEntries(
    DIMENSIONS.map((dimension) => [dimension, dimension === query.dimension ? skewOf(totals) : skewOf(summarizeShards(tenants, shards, dimension))]),
  ) as Record<Dimension, number | null>;

  return {
    window: query.window,
    dimension: query.dimension,
    thresholdPct: DEFAULT_THRESHOLD_PCT,
    shards: reportShards,
    skew,
    capacity: capacityNotes(
      counted.map(({ shardId, bytesNow, bytesPerDay, capacityBytes, connectionsUsed, connectionsMax, connectionsPerDay }) => ({
        shardId,
        bytesNow,
        bytesPerDay,
        capacityBytes,
        connectionsUsed,
        connectionsMax,
        connectionsPerDay,
      })),
    ),
    fleetAdvice: [
      ...fleetAdvice({
        tenants: tenants.filter((tenant) => totalsById.get(tenant.shardId)?.status !== 'retired').length,
        activeShards: numbers.filter((shard) => shard.status === 'active').length,
      }),
      ...(loadIsEnoughForAdvice
        ? []
        : [`Big tenants are judged by bytes only until the window holds ${MIN_FLEET_LOAD_FOR_ADVICE_S / 60} min of sampled tenant activity (now ${Math.round(fleetLoad)} s).`]),
    ],
    bigTenants: bigTenants(loadIsEnoughForAdvice ? tenants : tenants.map((tenant) => ({ ...tenant, load: 0 })), totals),
    placementRule: PLACEMENT_RULE,
  };
}
