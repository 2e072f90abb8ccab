import { afterAll, describe, expect, it } from 'vitest';
import { eventually, fleetFilePath, sandbox } from './sandbox';
import { startWorker, stopWorker, withControl, writeWideFleetFile, type WorkerProcess } from './workers';

/**
 * Real worker processes (npm run worker) against the sandbox: two of them
 * splitting a 6-shard fleet, and one SIGKILLed mid-job. Each test has its own
 * pg-boss schema and its own shard ids, so it sees only its own jobs and samples.
 */

const running: WorkerProcess[] = [];

function worker(env: Record<string, string>): WorkerProcess {
  const started = startWorker({ SHARDSCOPE_SAMPLE_INTERVAL_S: '2', ...env });
  running.push(started);
  return started;
}

interface SlotCount {
  shard_id: string;
  at: Date;
  node_rows: string;
}

describe('the worker', () => {
  afterAll(async () => {
    await Promise.all(running.map((entry) => stopWorker(entry, 'SIGKILL')));
    sandbox('resume-node', 'shard-2-replica-1');
    await withControl(async (client) => {
      await client.query('drop schema if exists pgboss_it_pair cascade');
      await client.query('drop schema if exists pgboss_it_kill cascade');
    });
  });

  it('two workers on a 6-shard fleet both take work, and no shard-slot is sampled twice or skipped', async () => {
    const fleetFile = writeWideFleetFile('pair', 6);
    const env = { SHARDSCOPE_FLEET_FILE: fleetFile, SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_pair' };
    const first = worker(env);
    const second = worker(env);

    // Ten slots' worth of sampling, then a graceful stop of both.
    await eventually(
      () => withControl(async (client) => (await client.query(`select count(distinct at)::int as slots from metric_samples where shard_id like 'pair-%'`)).rows[0].slots as number),
      (slots) => slots >= 10,
      60_000,
    );
    expect(await stopWorker(first)).toBe(0);
    expect(await stopWorker(second)).toBe(0);
    // Starting together on a fresh pg-boss schema (both create the queues) is not an outage.
    for (const entry of [first, second]) expect(entry.output()).not.toMatch(/unavailable/);

    await withControl(async (client) => {
      const heartbeats = await client.query<{ worker_id: string; jobs_done: string; stopped_at: Date | null }>(
        `select worker_id, jobs_done, stopped_at from worker_heartbeats where worker_id = any($1)`,
        [[first, second].map((entry) => /\[worker\] (\S+):/.exec(entry.output())![1])],
      );
      expect(heartbeats.rows).toHaveLength(2);
      for (const row of heartbeats.rows) {
        expect(Number(row.jobs_done), row.worker_id).toBeGreaterThan(0);
        expect(row.stopped_at).not.toBeNull();
      }

      // One pg-boss job per shard and slot, however many tickers sent it.
      const doubledJobs = await client.query(
        `select data->>'shardId', data->>'at' from pgboss_it_pair.job where name = 'sample-shard' group by 1, 2 having count(*) > 1`,
      );
      expect(doubledJobs.rowCount).toBe(0);
      // Jobs that ran and found their rows already written (a doubled sample) report inserted = 0.
      const redone = await client.query(`select id from pgboss_it_pair.job where name = 'sample-shard' and state = 'completed' and (output->>'inserted')::int = 0`);
      expect(redone.rowCount).toBe(0);

      // Every slot between the first and the last complete one has all 6 shards, each node once.
      const counts = await client.query<SlotCount>(
        `select shard_id, at, count(*) filter (where kind = 'node') as node_rows
         from metric_samples where shard_id like 'pair-%' group by shard_id, at order by at`,
      );
      const slots = [...new Set(counts.rows.map((row) => row.at.getTime()))].sort();
      const inner = slots.slice(1, -1);
      expect(inner.length).toBeGreaterThanOrEqual(7);
      for (const slot of inner) {
        const shards = counts.rows.filter((row) => row.at.getTime() === slot);
        expect(shards.map((row) => row.shard_id).sort(), new Date(slot).toISOString()).toEqual(['pair-1', 'pair-2', 'pair-3', 'pair-4', 'pair-5', 'pair-6']);
        expect(shards.every((row) => Number(row.node_rows) === 2)).toBe(true);
      }
      // Consecutive slots: no interval skipped.
      for (let index = 1; index < inner.length; index++) expect(inner[index] - inner[index - 1]).toBe(2000);
    });
  });

  it('retries the job of a worker killed with SIGKILL mid-job: the slot gets its samples once', async () => {
    const env = { SHARDSCOPE_FLEET_FILE: fleetFilePath, SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_kill' };
    // A hung replica makes shard-2's job last about the node timeout: time to kill the worker inside it.
    sandbox('pause-node', 'shard-2-replica-1');
    const victim = worker(env);
    const active = await eventually(
      () =>
        withControl(async (client) => {
          const exists = await client.query(`select 1 from pg_namespace where nspname = 'pgboss_it_kill'`);
          if (!exists.rowCount) return null;
          const { rows } = await client.query<{ id: string; at: string }>(
            `select id, data->>'at' as at from pgboss_it_kill.job where name = 'sample-shard' and state = 'active' and data->>'shardId' = 'shard-2' limit 1`,
          );
          return rows[0] ?? null;
        }),
      (job) => job !== null,
      30_000,
    );
    victim.child.kill('SIGKILL');
    await victim.exited;
    sandbox('resume-node', 'shard-2-replica-1');

    const survivor = worker(env);
    // The killed job expires (10 s at a 2 s interval), is retried by the new worker and completes.
    const retried = await eventually(
      () =>
        withControl(async (client) => {
          const { rows } = await client.query<{ state: string; retry_count: number; inserted: string | null }>(
            `select state, retry_count, output->>'inserted' as inserted from pgboss_it_kill.job where name = 'sample-shard' and id = $1`,
            [active!.id],
          );
          return rows[0];
        }),
      (job) => job?.state === 'completed',
      45_000,
    );
    expect(retried.retry_count).toBeGreaterThanOrEqual(1);
    // The killed attempt wrote nothing (it died waiting on the hung replica); the retry wrote the slot.
    expect(Number(retried.inserted)).toBeGreaterThan(0);
    expect(await stopWorker(survivor)).toBe(0);

    await withControl(async (client) => {
      const slotRows = await client.query(`select node_id from metric_samples where shard_id = 'shard-2' and kind = 'node' and at = $1`, [active!.at]);
      expect(slotRows.rows.map((row) => row.node_id).sort()).toEqual(['shard-2-primary', 'shard-2-replica-1']);
      const jobsForSlot = await client.query(`select id from pgboss_it_kill.job where name = 'sample-shard' and data->>'shardId' = 'shard-2' and data->>'at' = $1`, [
        active!.at,
      ]);
      expect(jobsForSlot.rowCount).toBe(1);
    });
  });
});
