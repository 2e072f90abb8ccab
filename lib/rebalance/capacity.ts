import { formatBytes, formatNumber } from '@/lib/format';
import type { BalanceReport, CapacityNote, PlannerTenant, ShardTotals } from './rebalance-model';
import { compareIds } from './weights';

/**
 * Capacity from the same numbers as the balance page: per shard, when storage
 * and connections reach their limit at the sampled growth rate; for the fleet,
 * whether it needs more shards (seed 000's ladder, judged below); and which
 * tenants are big enough for a schema or a shard of their own. Pure.
 */

export interface CapacityInput {
  shardId: string;
  bytesNow: number | null;
  bytesPerDay: number | null;
  capacityBytes: number | null;
  connectionsUsed: number | null;
  connectionsMax: number | null;
  connectionsPerDay: number | null;
}

/** Past this many days a limit is not news: the note says "fine". */
export const CAPACITY_HORIZON_DAYS = 365;
/** Seed 000's target: connection pools under 70 % busy. Above it the note says "busy". */
export const CONNECTIONS_BUSY_SHARE = 0.7;

/** Days until `now` reaches `limit` at `perDay`; null when any is unknown or it is not growing. 0 when already there. */
export function daysToLimit(now: number | null, limit: number | null, perDay: number | null): number | null {
  if (now === null || limit === null || perDay === null || !(perDay > 0)) return null;
  return Math.max(0, (limit - now) / perDay);
}

export function capacityNotes(inputs: CapacityInput[]): CapacityNote[] {
  return [...inputs]
    .sort((a, b) => compareIds(a.shardId, b.shardId))
    .map((input) => {
      const daysToStorageLimit = daysToLimit(input.bytesNow, input.capacityBytes, input.bytesPerDay);
      const daysToConnectionLimit = daysToLimit(input.connectionsUsed, input.connectionsMax, input.connectionsPerDay);
      return {
        shardId: input.shardId,
        bytesPerDay: input.bytesPerDay,
        daysToStorageLimit,
        connectionsUsed: input.connectionsUsed,
        connectionsMax: input.connectionsMax,
        daysToConnectionLimit,
        text: `${storageText(input, daysToStorageLimit)}; ${connectionsText(input, daysToConnectionLimit)}`,
      };
    });
}

function inDays(days: number): string {
  if (days < 1) return 'within a day';
  const rounded = Math.round(days);
  return `in ~${rounded} day${rounded === 1 ? '' : 's'}`;
}

function storageText(input: CapacityInput, days: number | null): string {
  const { bytesNow, capacityBytes, bytesPerDay } = input;
  if (bytesNow === null) return 'storage not measured';
  if (capacityBytes === null) return `storage ${formatBytes(bytesNow)} used, limit unknown`;
  const used = `${Math.round((bytesNow / capacityBytes) * 100)} % used`;
  if (bytesNow >= capacityBytes) return `storage full (${formatBytes(bytesNow)} of ${formatBytes(capacityBytes)})`;
  if (bytesPerDay === null) return `storage ${used}, growth not measured yet`;
  if (days === null) return `storage fine (${used}, not growing)`;
  const rate = `+${formatBytes(bytesPerDay)}/day`;
  if (days > CAPACITY_HORIZON_DAYS) return `storage fine (${used}; over a year to full at ${rate})`;
  return `storage full ${inDays(days)} at ${rate} (${used})`;
}

function connectionsText(input: CapacityInput, days: number | null): string {
  const { connectionsUsed, connectionsMax, connectionsPerDay } = input;
  if (connectionsUsed === null || connectionsMax === null || connectionsMax <= 0) return 'connections not measured';
  const count = `${connectionsUsed}/${connectionsMax}`;
  if (connectionsUsed >= connectionsMax) return `connections at the limit (${count})`;
  if (days !== null && days <= CAPACITY_HORIZON_DAYS) {
    return `connections reach the limit ${inDays(days)} at +${formatNumber(connectionsPerDay!)}/day (${count})`;
  }
  if (connectionsUsed / connectionsMax > CONNECTIONS_BUSY_SHARE) {
    return `connections busy (${count}, over the ${Math.round(CONNECTIONS_BUSY_SHARE * 100)} % target)`;
  }
  return `connections fine (${count})`;
}

/**
 * Seed 000's scaling ladder: ≈1k tenants on one database, 4 shards up to 10k,
 * 16 up to 100k, 64+ beyond. What we keep and what we do not:
 * - It counts tenants only. A few huge tenants can need shards long before 1k
 *   tenants, and 10k dormant ones may fit on one database; so the advice says
 *   that bytes, load and connections (the capacity notes) decide first.
 * - Its steps are cliffs (1 → 4 → 16 → 64): we warn at 80 % of a step's upper
 *   bound, because adding and filling shards takes days of moves.
 * - "64+" has no upper end: past 64 shards we keep the density of the 16-shard
 *   step at its top (100k / 16 ≈ 6,250 tenants per shard).
 * - Having more shards than the ladder asks is not a problem to fix.
 */
const LADDER: readonly { upTo: number; shards: number }[] = [
  { upTo: 1_000, shards: 1 },
  { upTo: 10_000, shards: 4 },
  { upTo: 100_000, shards: 16 },
];
const TOP_STEP_SHARDS = 64;
const TENANTS_PER_SHARD_PAST_LADDER = 6_250;
/** Warn this far into a step (share of its upper bound). */
const LADDER_LOOKAHEAD = 0.8;

/** Shards the ladder asks for at this many tenants. */
export function ladderShards(tenants: number): number {
  const step = LADDER.find((candidate) => tenants <= candidate.upTo);
  if (step) return step.shards;
  return Math.max(TOP_STEP_SHARDS, Math.ceil(tenants / TENANTS_PER_SHARD_PAST_LADDER));
}

export function fleetAdvice(input: { tenants: number; activeShards: number }): string[] {
  const { tenants, activeShards } = input;
  const advice: string[] = [];
  const wanted = ladderShards(tenants);
  const count = `${formatNumber(tenants)} tenant${tenants === 1 ? '' : 's'} on ${activeShards} active shard${activeShards === 1 ? '' : 's'}`;
  if (activeShards === 0) {
    advice.push(`${count}: no shard can take new tenants. Mark a shard active.`);
  } else if (activeShards < wanted) {
    advice.push(
      `${count}: the shard ladder asks for ${wanted} at this count (≈1k tenants on one database, 4 shards to 10k, 16 to 100k, 64+ beyond). ` +
        `Plan ${wanted - activeShards} more shard${wanted - activeShards === 1 ? '' : 's'}, then fill ${wanted - activeShards === 1 ? 'it' : 'them'} with fill plans.`,
    );
  } else {
    advice.push(`${count}: enough shards by the shard ladder, which asks for ${wanted} shard${wanted === 1 ? '' : 's'} at this count.`);
    const step = LADDER.find((candidate) => tenants <= candidate.upTo);
    const nextShards = step ? ladderShards(step.upTo + 1) : null;
    if (step && nextShards !== null && activeShards < nextShards && tenants >= LADDER_LOOKAHEAD * step.upTo) {
      advice.push(
        `At ${Math.round((tenants / step.upTo) * 100)} % of ${formatNumber(step.upTo)} tenants, where the ladder moves to ${nextShards} shards: ` +
          'plan the next shards now; adding and filling them takes days of tenant moves.',
      );
    }
  }
  advice.push('The ladder counts tenants only: shard bytes, load and connections (the capacity notes) decide first.');
  return advice;
}

/** A shared tenant holding this share of its shard's bytes or load deserves a schema of its own… */
export const OWN_SCHEMA_SHARD_SHARE = 0.1;
/** …as long as it is also this share of an average active shard (a lone tenant on a new shard is not "big"). */
export const OWN_SCHEMA_MIN_MEAN_SHARE = 0.05;
/**
 * Any tenant with half an average active shard's bytes or load deserves a shard
 * of its own: it is far wider than the default ±10 % band, so next to it the
 * planner has little room to balance, and moving it is a long copy.
 */
export const OWN_SHARD_MEAN_SHARE = 0.5;
/** How many big tenants the balance page lists. */
export const BIG_TENANTS_SHOWN = 10;

type BigTenant = BalanceReport['bigTenants'][number];

export function bigTenants(tenants: (PlannerTenant & { layout: 'shared' | 'schema' })[], shards: ShardTotals[]): BigTenant[] {
  const byShard = new Map(shards.filter((shard) => shard.status !== 'retired').map((shard) => [shard.shardId, shard]));
  const active = shards.filter((shard) => shard.status === 'active');
  if (active.length === 0) return [];
  const meanBytes = active.reduce((sum, shard) => sum + shard.bytes, 0) / active.length;
  const meanLoad = active.reduce((sum, shard) => sum + shard.load, 0) / active.length;
  const share = (value: number, of: number) => (of > 0 ? value / of : 0);

  const found: (BigTenant & { size: number })[] = [];
  for (const tenant of tenants) {
    const shard = byShard.get(tenant.shardId);
    if (!shard) continue;
    const ofMean = { bytes: share(tenant.bytes, meanBytes), load: share(tenant.load, meanLoad) };
    const ofShard = { bytes: share(tenant.bytes, shard.bytes), load: share(tenant.load, shard.load) };
    const meanDimension = ofMean.bytes >= ofMean.load ? 'bytes' : 'load';
    const size = ofMean[meanDimension];
    const base = { tenantId: tenant.tenantId, name: tenant.name, shardId: tenant.shardId, bytes: tenant.bytes, load: tenant.load, layout: tenant.layout, size };
    if (size >= OWN_SHARD_MEAN_SHARE) {
      found.push({
        ...base,
        advice: `Holds ${Math.round(size * 100)} % of an average shard's ${meanDimension}: big enough for a shard of its own (next to it the planner has little room to balance, and moving it is a long copy).`,
      });
      continue;
    }
    const shardDimension = ofShard.bytes >= ofShard.load ? 'bytes' : 'load';
    if (tenant.layout === 'shared' && ofShard[shardDimension] >= OWN_SCHEMA_SHARD_SHARE && size >= OWN_SCHEMA_MIN_MEAN_SHARE) {
      found.push({
        ...base,
        advice: `Holds ${Math.round(ofShard[shardDimension] * 100)} % of ${tenant.shardId}'s ${shardDimension} in the shared tables: give it a schema of its own (isolated vacuum and locks, and it moves as one unit).`,
      });
    }
  }
  return found
    .sort((a, b) => b.size - a.size || compareIds(a.tenantId, b.tenantId))
    .slice(0, BIG_TENANTS_SHOWN)
    .map(({ size: _size, ...tenant }) => tenant);
}
