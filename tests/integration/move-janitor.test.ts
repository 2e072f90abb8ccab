import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findShard } from '@/lib/fleet/topology';
import { listJanitorDrops, runMoveJanitor } from '@/lib/rebalance/move-janitor';
import { replicationObjectNames } from '@/lib/rebalance/move-model';
import { dropReplicationObjects, listShardscopeReplicationObjects } from '@/lib/rebalance/move-replication';
import { nodePort, withSuperuser } from './sandbox';
import { withControl } from './workers';

/**
 * The move janitor on the sandbox: Shardscope-prefixed replication objects of
 * moves that do not exist are dropped and recorded; the objects of a running
 * move are left alone.
 */

const ORPHAN_1 = randomUUID(); // publication + slot on shard-1, no move row
const ORPHAN_2 = randomUUID(); // a lone slot on shard-2, no move row
const LIVE = randomUUID(); // publication + slot on shard-1 of a running move
const TENANT = randomUUID();
const MINE: (string | null)[] = [ORPHAN_1, ORPHAN_2, LIVE];
const onShard = <T>(n: 1 | 2, work: (client: pg.Client) => Promise<T>) => withSuperuser(nodePort(n, 'primary'), work);

async function createObjects(n: 1 | 2, moveId: string, publication: boolean): Promise<void> {
  const names = replicationObjectNames(moveId);
  await onShard(n, async (client) => {
    if (publication) await client.query(`create publication ${names.publication} for table public.orders where (tenant_id = '${TENANT}'::uuid)`);
    await client.query(`select pg_create_logical_replication_slot($1, 'pgoutput')`, [names.slot]);
  });
}

async function namesOn(n: 1 | 2): Promise<string[]> {
  const objects = await listShardscopeReplicationObjects(findShard(`shard-${n}`)!);
  return [...objects.publications.map((name) => `publication ${name}`), ...objects.slots.map((slot) => `slot ${slot.name}`)];
}

async function removeEverything(): Promise<void> {
  const [one, two] = [findShard('shard-1')!, findShard('shard-2')!];
  for (const moveId of [ORPHAN_1, ORPHAN_2, LIVE]) {
    await dropReplicationObjects(one, one, moveId);
    await dropReplicationObjects(two, two, moveId);
  }
  await withControl(async (client) => {
    await client.query(`delete from move_janitor_drops where move_id = any($1::uuid[])`, [[ORPHAN_1, ORPHAN_2, LIVE]]);
    await client.query(`delete from tenant_moves where id = $1`, [LIVE]);
    await client.query(`delete from tenants where id = $1`, [TENANT]);
  });
}

describe('move janitor', () => {
  beforeAll(async () => {
    await withControl(async (client) => {
      await client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'starter', 'shard-1')`, [TENANT, `it-janitor-${TENANT.slice(0, 8)}`]);
      await client.query(
        `insert into tenant_moves (id, tenant_id, source_shard_id, target_shard_id, status, phase, started_by) values ($1, $2, 'shard-1', 'shard-2', 'running', 'copy', 'it-janitor')`,
        [LIVE, TENANT],
      );
    });
    await createObjects(1, ORPHAN_1, true);
    await createObjects(2, ORPHAN_2, false);
    await createObjects(1, LIVE, true);
  });
  afterAll(removeEverything, 120_000);

  it('drops the objects no live move owns, records each drop, and leaves a running move alone', async () => {
    const orphan1 = replicationObjectNames(ORPHAN_1).slot;
    const orphan2 = replicationObjectNames(ORPHAN_2).slot;
    const live = replicationObjectNames(LIVE).slot;
    expect(await namesOn(1)).toEqual(expect.arrayContaining([`publication ${orphan1}`, `slot ${orphan1}`, `publication ${live}`, `slot ${live}`]));
    expect(await namesOn(2)).toContain(`slot ${orphan2}`);

    const report = await runMoveJanitor();
    expect(report.shards.every((shard) => shard.ok && shard.error === null)).toBe(true);
    const mine = report.dropped.filter((drop) => MINE.includes(drop.moveId));
    expect(mine.map(({ shardId, kind, name, moveId }) => ({ shardId, kind, name, moveId })).sort((a, b) => `${a.shardId}${a.kind}`.localeCompare(`${b.shardId}${b.kind}`))).toEqual([
      { shardId: 'shard-1', kind: 'publication', name: orphan1, moveId: ORPHAN_1 },
      { shardId: 'shard-1', kind: 'slot', name: orphan1, moveId: ORPHAN_1 },
      { shardId: 'shard-2', kind: 'slot', name: orphan2, moveId: ORPHAN_2 },
    ]);

    const onOne = await namesOn(1);
    expect(onOne).not.toContain(`publication ${orphan1}`);
    expect(onOne).not.toContain(`slot ${orphan1}`);
    expect(onOne).toEqual(expect.arrayContaining([`publication ${live}`, `slot ${live}`]));
    expect(await namesOn(2)).not.toContain(`slot ${orphan2}`);

    const recorded = (await listJanitorDrops(100)).filter((drop) => MINE.includes(drop.moveId));
    expect(recorded).toHaveLength(3);
    expect(recorded.find((drop) => drop.shardId === 'shard-2')).toMatchObject({ kind: 'slot', name: orphan2, nodeId: expect.any(String) });
    expect(recorded.every((drop) => drop.nodeId.length > 0 && !Number.isNaN(Date.parse(drop.at)))).toBe(true);

    // Nothing left to do: a second sweep drops nothing of ours and still spares the live move.
    const again = await runMoveJanitor();
    expect(again.dropped.filter((drop) => MINE.includes(drop.moveId))).toEqual([]);
    expect(await namesOn(1)).toEqual(expect.arrayContaining([`publication ${live}`, `slot ${live}`]));
  });

  it('drops a finished move\'s leftovers once it is no longer live', async () => {
    await withControl((client) => client.query(`update tenant_moves set status = 'failed', phase = 'finished' where id = $1`, [LIVE]));
    const report = await runMoveJanitor();
    const live = replicationObjectNames(LIVE).slot;
    expect(report.dropped.filter((drop) => drop.moveId === LIVE).map((drop) => `${drop.kind} ${drop.name}`).sort()).toEqual([`publication ${live}`, `slot ${live}`]);
    const onOne = await namesOn(1);
    expect(onOne).not.toContain(`publication ${live}`);
    expect(onOne).not.toContain(`slot ${live}`);
  });
});
