import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getControlPool } from '@/lib/control/db';
import { getFleet } from '@/lib/fleet/topology';
import { getHistory } from '@/lib/history/history-query';
import { dropExpiredPartitions, ensurePartitionFor, listPartitions } from '@/lib/history/partitions';
import { hourStart as rollupHourStart, rollUpHour } from '@/lib/history/rollups';
import { sampleShard } from '@/lib/history/sample-shard';
import { nodePort, sandbox, withSuperuser } from './sandbox';

/**
 * The sampler against the real sandbox fleet, in process: each test samples
 * at its own synthetic slots (in the past hour, a history bucket apart), so
 * tests neither wait for the clock nor see each other's rows.
 */

const shardOf = (id: string) => getFleet().shards.find((shard) => shard.id === id)!;

/** History buckets are 10 s wide for a 1 h range at the tests' 2 s interval. */
const BUCKET_MS = 10_000;
let nextSlot = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - 50 * 60_000;

/** A fresh slot, one bucket after the previous one (the history reads one value per bucket). */
function freshSlot(): Date {
  nextSlot += BUCKET_MS;
  return new Date(nextSlot);
}

interface StoredRow {
  kind: string;
  node_id: string | null;
  pool: string | null;
  up: boolean;
  error: string | null;
  measured_at: Date;
  v: Record<string, number> | null;
}

async function rowsAt(shardId: string, at: Date): Promise<StoredRow[]> {
  const { rows } = await getControlPool().query<StoredRow>(
    'select kind, node_id, pool, up, error, measured_at, v from metric_samples where shard_id = $1 and at = $2 order by kind, node_id, pool',
    [shardId, at],
  );
  return rows;
}

function valueAt(points: { at: string; value: number | null }[], at: Date): number | null | undefined {
  return points.find((point) => point.at === at.toISOString())?.value;
}

describe('sampling the sandbox fleet into metric history', () => {
  beforeAll(async () => {
    sandbox('start-node', 'shard-1-replica-1');
    // PgBouncer makes a pool on a client's first connection: be that client on each shard.
    for (const shard of getFleet().shards) {
      const client = new pg.Client({ connectionString: shard.pooler!.url });
      await client.connect();
      await client.query('select 1');
      await client.end();
    }
  });

  afterAll(() => {
    sandbox('start-node', 'shard-1-replica-1');
  });

  it('stores a row for every node, pool and host in each of two rounds', async () => {
    for (const at of [freshSlot(), freshSlot()]) {
      for (const shard of getFleet().shards) {
        const report = await sampleShard(shard, at, 'it-worker');
        expect(report.nodesDown).toBe(0);
        const rows = await rowsAt(shard.id, at);
        const nodeRows = rows.filter((row) => row.kind === 'node');
        expect(nodeRows.map((row) => [row.node_id, row.up])).toEqual(shard.nodes.map((node) => [node.id, true]));
        for (const row of nodeRows) {
          expect(row.v!.max_connections).toBe(100);
          expect(row.v!.xact_commit).toBeGreaterThan(0);
          expect(row.v!.db_size_bytes).toBeGreaterThan(0);
        }
        expect(nodeRows.find((row) => row.node_id === `${shard.id}-replica-1`)!.v).toHaveProperty('replica_lag_bytes');
        expect(rows.filter((row) => row.kind === 'pool').map((row) => row.pool)).toContain('app/app');
        expect(rows.filter((row) => row.kind === 'host').every((row) => row.up && row.v!.cpu_total_seconds > 0)).toBe(true);
        expect(rows.filter((row) => row.kind === 'host')).toHaveLength(shard.nodes.length);
      }
    }
  });

  it('writes nothing twice when a slot is sampled again (a retried job)', async () => {
    const at = freshSlot();
    const shard = shardOf('shard-1');
    const first = await sampleShard(shard, at, 'it-worker');
    const again = await sampleShard(shard, at, 'it-worker-2');
    expect(first.inserted).toBe(first.rows);
    expect(again.inserted).toBe(0);
    const rows = await rowsAt(shard.id, at);
    expect(rows.filter((row) => row.kind === 'node')).toHaveLength(shard.nodes.length);
  });

  it('records a stopped replica as down (a gap in its history), then values again after restart', async () => {
    const shard = shardOf('shard-1');
    const before = freshSlot();
    await sampleShard(shard, before, 'it-worker');
    sandbox('stop-node', 'shard-1-replica-1');
    const during = freshSlot();
    const report = await sampleShard(shard, during, 'it-worker');
    expect(report.nodesDown).toBe(1);
    const downRow = (await rowsAt(shard.id, during)).find((row) => row.kind === 'node' && row.node_id === 'shard-1-replica-1')!;
    expect(downRow).toMatchObject({ up: false, v: null });
    expect(downRow.error).toBeTruthy();
    sandbox('start-node', 'shard-1-replica-1');
    const after = freshSlot();
    await sampleShard(shard, after, 'it-worker');

    const history = await getHistory({ metric: 'db_size_bytes', range: '1h', shardId: 'shard-1', nodeId: 'shard-1-replica-1' });
    expect(history.stepSeconds).toBe(10);
    const points = history.series.find((series) => series.key === 'shard-1-replica-1')!.points;
    expect(valueAt(points, before)).toBeGreaterThan(0);
    expect(valueAt(points, during)).toBeNull();
    expect(valueAt(points, after)).toBeGreaterThan(0);
    const up = await getHistory({ metric: 'node_up', range: '1h', shardId: 'shard-1', nodeId: 'shard-1-replica-1' });
    expect([before, during, after].map((at) => valueAt(up.series[0].points, at))).toEqual([1, 0, 1]);
  });

  it('derives TPS from the commit counters that matches the commits the test made', async () => {
    const shard = shardOf('shard-1');
    const commits = 300;
    const first = freshSlot();
    await sampleShard(shard, first, 'it-worker');
    await withSuperuser(nodePort(1, 'primary'), async (client) => {
      for (let index = 0; index < commits; index++) await client.query('select 1');
    });
    // A backend publishes its counters when it goes idle or exits, at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = freshSlot();
    await sampleShard(shard, second, 'it-worker');

    const [a, b] = [await rowsAt(shard.id, first), await rowsAt(shard.id, second)].map(
      (rows) => rows.find((row) => row.kind === 'node' && row.node_id === 'shard-1-primary')!,
    );
    const seconds = (b.measured_at.getTime() - a.measured_at.getTime()) / 1000;
    const history = await getHistory({ metric: 'tps', range: '1h', shardId: 'shard-1', nodeId: 'shard-1-primary' });
    const tps = valueAt(history.series[0].points, second)!;
    // Our 300 plus the handful the sampler and the server's own background made.
    expect(tps * seconds).toBeGreaterThanOrEqual(commits);
    expect(tps * seconds).toBeLessThan(commits + 40);
  });

  it('treats a stats reset as a restart of the counters, never a negative rate', async () => {
    const shard = shardOf('shard-2');
    const first = freshSlot();
    await withSuperuser(nodePort(2, 'primary'), async (client) => {
      for (let index = 0; index < 200; index++) await client.query('select 1');
    });
    await sampleShard(shard, first, 'it-worker');
    await withSuperuser(nodePort(2, 'primary'), (client) => client.query('select pg_stat_reset()'));
    const second = freshSlot();
    await sampleShard(shard, second, 'it-worker');

    const rows = [await rowsAt(shard.id, first), await rowsAt(shard.id, second)].map((found) => found.find((row) => row.kind === 'node' && row.node_id === 'shard-2-primary')!);
    expect(rows[1].v!.xact_commit).toBeLessThan(rows[0].v!.xact_commit);
    for (const metric of ['tps', 'cache_hit_pct', 'tuples_read_per_s']) {
      const history = await getHistory({ metric, range: '1h', shardId: 'shard-2', nodeId: 'shard-2-primary' });
      const value = valueAt(history.series[0].points, second);
      expect(value, metric).toBeTypeOf('number');
      expect(value!, metric).toBeGreaterThanOrEqual(0);
      if (metric === 'cache_hit_pct') expect(value!).toBeLessThanOrEqual(100);
    }
  });

  it('draws the fleet view as one series per shard and names a bad scope', async () => {
    const history = await getHistory({ metric: 'connections_pct', range: '1h' });
    expect(history.series.map((series) => series.key)).toEqual(['shard-1', 'shard-2']);
    await expect(getHistory({ metric: 'nope', range: '1h' })).rejects.toMatchObject({ status: 400, field: 'metric' });
    await expect(getHistory({ metric: 'tps', range: '1h', shardId: 'shard-9' })).rejects.toMatchObject({ status: 400, field: 'shardId' });
    await expect(getHistory({ metric: 'tps', range: '1h', shardId: 'shard-1', nodeId: 'shard-2-primary' })).rejects.toMatchObject({
      status: 400,
      field: 'nodeId',
    });
    await expect(getHistory({ metric: 'pool_waiting', range: '1h', nodeId: 'shard-1-primary' })).rejects.toMatchObject({ status: 400, field: 'nodeId' });
    await expect(
      getHistory({ metric: 'tps', range: '1h', tenantId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }),
    ).rejects.toMatchObject({ status: 400, field: 'tenantId' });
  });

  it('drops a partition past the raw retention and keeps today\'s', async () => {
    const db = getControlPool();
    const old = new Date(Date.now() - 20 * 86_400_000);
    await ensurePartitionFor(db, 'metric_samples', old);
    await db.query(`insert into metric_samples (at, measured_at, kind, shard_id, node_id, up) values ($1, $1, 'node', 'shard-1', 'shard-1-primary', false)`, [old]);
    const oldName = `metric_samples_p${old.toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(await listPartitions(db, 'metric_samples')).toContain(oldName);

    const report = await dropExpiredPartitions(db);
    expect(report.dropped).toContain(oldName);
    const remaining = await listPartitions(db, 'metric_samples');
    expect(remaining).not.toContain(oldName);
    expect(remaining).toContain(`metric_samples_p${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
  });
});

describe('hourly rollups', () => {
  it('roll an hour of samples up per metric and serve ranges past the raw retention', async () => {
    const shard = getFleet().shards[0];
    // Three slots inside one hour, two hours back: an hour nothing else samples.
    const hour = rollupHourStart(new Date(Date.now() - 2 * 3_600_000));
    const slots = [5, 10, 15].map((minute) => new Date(hour.getTime() + minute * 60_000));
    for (const at of slots) await sampleShard(shard, at, 'it-rollup');

    const report = await rollUpHour(getControlPool(), hour, 2);
    expect(report.rows).toBeGreaterThan(0);
    const again = await rollUpHour(getControlPool(), hour, 2);
    expect(again.rows).toBe(report.rows);

    const { rows } = await getControlPool().query(
      `select samples, down_samples, max from metric_rollups where metric = 'node_up' and node_id = $1 and hour = $2`,
      [`${shard.id}-primary`, hour],
    );
    expect(rows).toEqual([{ samples: 3, down_samples: 0, max: 1 }]);

    const history = await getHistory({ metric: 'db_size_bytes', range: '24h', shardId: shard.id, nodeId: `${shard.id}-primary` }, { rawRetentionDays: 0 });
    expect(history.source).toBe('rollup');
    expect(history.stepSeconds).toBeGreaterThanOrEqual(3600);
    expect(valueAt(history.series[0].points, hour)).toBeGreaterThan(0);
  });
});
