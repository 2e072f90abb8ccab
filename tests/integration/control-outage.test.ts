import { NextRequest } from 'next/server';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as historyRoute } from '@/app/api/history/route';
import { getWorkerStatus } from '@/lib/history/worker-status';
import { collectFleetOverview } from '@/lib/monitor/fleet-overview';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { eventually, fleetFilePath, sandbox } from './sandbox';
import { startWorker, stopWorker, withControl, type WorkerProcess } from './workers';

/**
 * The control database goes away (the worker's and the history's home): the
 * live overview keeps working, history says it is unavailable, the worker
 * logs one line for the outage, keeps retrying, and samples again when the
 * database is back.
 */

let worker: WorkerProcess | undefined;

const outageLines = (output: string) => output.split('\n').filter((line) => line.includes('control database unavailable'));

describe('a control database outage', () => {
  afterAll(async () => {
    sandbox('start-node', 'control');
    if (worker) await stopWorker(worker, 'SIGKILL');
    await withControl((client) => client.query('drop schema if exists pgboss_it_outage cascade'));
  });

  it('leaves live pages working, makes history unavailable, and the worker resumes afterwards', async () => {
    worker = startWorker({ SHARDSCOPE_FLEET_FILE: fleetFilePath, SHARDSCOPE_JOBS_SCHEMA: 'pgboss_it_outage', SHARDSCOPE_SAMPLE_INTERVAL_S: '2' });
    await eventually(() => getWorkerStatus(), (status) => status.state === 'ok' && status.lastSampleAgeSeconds! <= 4, 30_000);

    sandbox('stop-node', 'control');
    const overview = await collectFleetOverview();
    expect(overview.shards.every((shard) => shard.health !== 'down')).toBe(true);

    const history = await historyRoute(
      new NextRequest(`http://${CONSOLE_HOST}/api/history?metric=tps`, { headers: { host: CONSOLE_HOST, cookie: sessionCookie('viewer') } }),
      { params: Promise.resolve({}) },
    );
    expect(history.status).toBe(503);
    expect((await history.json()).error.message).toMatch(/metric history is unavailable/);
    expect((await getWorkerStatus()).state).toBe('unavailable');

    // Several sampling intervals of outage: still one line in the worker's log.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    expect(outageLines(worker.output())).toHaveLength(1);
    expect(worker.child.exitCode, worker.output().slice(-3000)).toBeNull();

    sandbox('start-node', 'control');
    await eventually(() => getWorkerStatus(), (status) => status.state === 'ok' && status.lastSampleAgeSeconds! <= 4, 40_000);
    expect(worker.output()).toMatch(/control database is back after \d+ s/);
    expect(await stopWorker(worker)).toBe(0);
  });
});
