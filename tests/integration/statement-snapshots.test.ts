import { describe, expect, it } from 'vitest';
import { getControlPool } from '@/lib/control/db';
import { getFleet } from '@/lib/fleet/topology';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import { nodePort, withSuperuser } from './sandbox';

/** pg_stat_statements snapshots of a real primary: movers are kept, the text once per hash, a retry adds nothing. */

async function keptCalls(nodeId: string, at: Date, marker: string): Promise<number[]> {
  const { rows } = await getControlPool().query<{ calls: string }>(
    `select s.calls from statement_snapshots s join statement_texts t using (statement_hash)
     where s.node_id = $1 and s.at = $2 and t.query like $3`,
    [nodeId, at, `%${marker}%`],
  );
  return rows.map((row) => Number(row.calls));
}

describe('statement snapshots', () => {
  it('keeps the statements that moved since the last snapshot, and nothing twice for a retried slot', async () => {
    const shard = getFleet().shards[1];
    const primaryId = `${shard.id}-primary`;
    // queryid ignores aliases and constants: each statement gets its own shape, the alias only marks its text.
    const shapes: Record<string, string> = { snapshot_moving: 'select $1::int as snapshot_moving', snapshot_still: 'select $1::text as snapshot_still' };
    const runQueries = (marker: string, times: number) =>
      withSuperuser(nodePort(2, 'primary'), async (client) => {
        for (let index = 0; index < times; index++) await client.query(shapes[marker], [index]);
      });
    await runQueries('snapshot_moving', 3);
    await runQueries('snapshot_still', 2);
    // More than the top 50 statements by time, all heavier than snapshot_still: it is not kept for being big.
    await withSuperuser(nodePort(2, 'primary'), async (client) => {
      for (let index = 0; index < 60; index++) await client.query(`select pg_sleep(0.01) as snapshot_heavy${', 1'.repeat(index)}`);
    });
    // A backend publishes its counters when it exits or goes idle (at most once a second).
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const first = new Date(Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000);
    const report = await snapshotStatements(shard, first);
    expect(report.statementsKept).toBeGreaterThan(0);
    expect(await keptCalls(primaryId, first, 'snapshot_moving')).toEqual([3]);
    expect(await keptCalls(primaryId, first, 'snapshot_still')).toEqual([2]);

    const retried = await snapshotStatements(shard, first);
    expect(retried.alreadyTaken).toBe(true);

    await runQueries('snapshot_moving', 4);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const second = new Date(first.getTime() + 5 * 60_000);
    await snapshotStatements(shard, second);
    expect(await keptCalls(primaryId, second, 'snapshot_moving')).toEqual([7]);
    // Unchanged since the first snapshot (and far from the top 50 by time): not stored again.
    expect(await keptCalls(primaryId, second, 'snapshot_still')).toEqual([]);

    const { rows } = await getControlPool().query(`select count(*)::int as texts from statement_texts where query like '%snapshot_moving%'`);
    expect(rows[0].texts).toBe(1);
  });
});
