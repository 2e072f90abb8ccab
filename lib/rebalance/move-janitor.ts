import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { getFleet, primaryOf } from '@/lib/fleet/topology';
import { moveIdOfObject } from './move-model';
import { dropReplicationObjects, listShardscopeReplicationObjects, type ShardscopeReplicationObjects } from './move-replication';

/**
 * The janitor (a pg-boss cron job every minute): replication objects with
 * Shardscope's prefix that no live move owns — their move finished, failed
 * with a rollback that could not finish, or does not exist — are dropped with
 * the runner's own idempotent code (dropReplicationObjects), and each drop is
 * recorded in move_janitor_drops for the UI. An object of a queued or running
 * move is never touched: that move's runner owns it (rollback included).
 *
 * Objects are listed before the moves' statuses are read: a move's row exists
 * before any of its objects, so a listed object of an unknown id truly has no
 * move. A shard that cannot be listed is reported and the others are swept;
 * while any shard is unlisted no subscription is dropped (its table-sync slots
 * on the unlisted publisher would lose the subscription oid that names them).
 */

export type JanitorObjectKind = 'subscription' | 'publication' | 'slot';

export interface JanitorDrop {
  id: string;
  at: string;
  shardId: string;
  nodeId: string;
  kind: JanitorObjectKind;
  name: string;
  moveId: string | null;
}

export interface JanitorShardReport {
  shardId: string;
  /** The shard was listed (and its orphans, if any, handled). */
  ok: boolean;
  /** Objects dropped on this shard in this sweep. */
  dropped: number;
  /** Why the shard was not listed, or a drop on it failed (plain words). */
  error: string | null;
}

export interface JanitorReport {
  shards: JanitorShardReport[];
  dropped: Omit<JanitorDrop, 'id' | 'at'>[];
  /** Orphaned moves left for a later sweep, and why. */
  deferred: { moveId: string; reason: string }[];
}

const LIVE_MOVES_SQL = `
  select id::text as id
  from tenant_moves
  where id = any($1::uuid[])
    and status in ('queued', 'running')`;

const INSERT_DROP_SQL = `
  insert into move_janitor_drops (shard_id, node_id, kind, name, move_id)
  values ($1, $2, $3, $4, $5)`;

const LIST_DROPS_SQL = `
  select id::text as id, at, shard_id, node_id, kind, name, move_id::text as move_id
  from move_janitor_drops
  order by at desc, id desc
  limit $1`;

interface ListedObject {
  shard: ShardConfig;
  kind: JanitorObjectKind;
  name: string;
  /** The side of a move the object sits on: its publication and slots on the source, its subscription on the target. */
  side: 'source' | 'target';
}

/** Every listed object of each move id, table-sync slots attributed to the prefixed subscription on the shard whose system identifier they name. */
function objectsByMove(listed: ShardscopeReplicationObjects[], shards: Map<string, ShardConfig>): Map<string, ListedObject[]> {
  const byMove = new Map<string, ListedObject[]>();
  const add = (moveId: string | null, object: ListedObject) => {
    if (moveId === null) return;
    byMove.set(moveId, [...(byMove.get(moveId) ?? []), object]);
  };
  const subscriptionOwners = new Map<string, string>();
  for (const objects of listed) {
    for (const subscription of objects.subscriptions) {
      const moveId = moveIdOfObject(subscription.name);
      if (moveId) subscriptionOwners.set(`${objects.systemIdentifier}/${subscription.oid}`, moveId);
    }
  }
  for (const objects of listed) {
    const shard = shards.get(objects.shardId)!;
    for (const { name } of objects.subscriptions) add(moveIdOfObject(name), { shard, kind: 'subscription', name, side: 'target' });
    for (const name of objects.publications) add(moveIdOfObject(name), { shard, kind: 'publication', name, side: 'source' });
    for (const { name } of objects.slots) add(moveIdOfObject(name), { shard, kind: 'slot', name, side: 'source' });
    for (const slot of objects.tableSyncSlots) {
      const owner = subscriptionOwners.get(`${slot.subscriberSystemIdentifier}/${slot.subscriptionOid}`);
      if (owner) add(owner, { shard, kind: 'slot', name: slot.name, side: 'source' });
    }
  }
  return byMove;
}

/**
 * Drops one orphaned move's objects: dropReplicationObjects for each pair of
 * (publisher side, subscriber side) its objects sit on — a shard holding only
 * one side is passed as both (the missing side is found absent and skipped).
 */
async function dropMoveObjects(moveId: string, objects: ListedObject[]): Promise<void> {
  const sources = [...new Map(objects.filter((o) => o.side === 'source').map((o) => [o.shard.id, o.shard])).values()];
  const targets = [...new Map(objects.filter((o) => o.side === 'target').map((o) => [o.shard.id, o.shard])).values()];
  const done = new Set<string>();
  for (const target of targets) {
    const source = sources[0] ?? target;
    await dropReplicationObjects(source, target, moveId);
    done.add(source.id);
    done.add(target.id);
  }
  for (const source of sources) if (!done.has(source.id)) await dropReplicationObjects(source, source, moveId);
}

async function recordDrops(moveId: string, objects: ListedObject[]): Promise<Omit<JanitorDrop, 'id' | 'at'>[]> {
  const drops = objects.map((o) => ({ shardId: o.shard.id, nodeId: primaryOf(o.shard).id, kind: o.kind, name: o.name, moveId }));
  const pool = getControlPool();
  for (const drop of drops) await pool.query(INSERT_DROP_SQL, [drop.shardId, drop.nodeId, drop.kind, drop.name, drop.moveId]);
  return drops;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One sweep over the fleet's primaries; never throws for a shard (see the report), only when the control DB cannot be read. */
export async function runMoveJanitor(fleetShards: ShardConfig[] = getFleet().shards): Promise<JanitorReport> {
  const shards = new Map(fleetShards.map((shard) => [shard.id, shard]));
  const reports = new Map<string, JanitorShardReport>(fleetShards.map((shard) => [shard.id, { shardId: shard.id, ok: false, dropped: 0, error: null }]));
  const listed: ShardscopeReplicationObjects[] = [];
  await Promise.all(
    fleetShards.map(async (shard) => {
      try {
        listed.push(await listShardscopeReplicationObjects(shard));
        reports.get(shard.id)!.ok = true;
      } catch (error) {
        reports.get(shard.id)!.error = `not listed: ${message(error)}`;
      }
    }),
  );
  const someUnlisted = listed.length < fleetShards.length;
  const byMove = objectsByMove(listed, shards);
  const live = new Set(
    (await getControlPool().query<{ id: string }>(LIVE_MOVES_SQL, [[...byMove.keys()]])).rows.map((row) => row.id),
  );
  const report: JanitorReport = { shards: [...reports.values()], dropped: [], deferred: [] };
  for (const [moveId, objects] of byMove) {
    if (live.has(moveId)) continue;
    if (someUnlisted && objects.some((o) => o.kind === 'subscription')) {
      report.deferred.push({ moveId, reason: 'a shard could not be listed: its subscription waits until every shard answers' });
      continue;
    }
    try {
      await dropMoveObjects(moveId, objects);
    } catch (error) {
      for (const shardId of new Set(objects.map((o) => o.shard.id))) reports.get(shardId)!.error = `dropping move ${moveId}'s objects failed: ${message(error)}`;
      report.deferred.push({ moveId, reason: message(error) });
      continue;
    }
    const drops = await recordDrops(moveId, objects);
    for (const drop of drops) reports.get(drop.shardId)!.dropped += 1;
    report.dropped.push(...drops);
  }
  return report;
}

/** The janitor's latest drops, newest first (for the moves UI). */
export async function listJanitorDrops(limit = 50): Promise<JanitorDrop[]> {
  const bounded = Math.min(Math.max(1, Math.trunc(limit)), 1000);
  const { rows } = await getControlPool().query<{
    id: string;
    at: Date;
    shard_id: string;
    node_id: string;
    kind: JanitorObjectKind;
    name: string;
    move_id: string | null;
  }>(LIST_DROPS_SQL, [bounded]);
  return rows.map((row) => ({ id: row.id, at: row.at.toISOString(), shardId: row.shard_id, nodeId: row.node_id, kind: row.kind, name: row.name, moveId: row.move_id }));
}
