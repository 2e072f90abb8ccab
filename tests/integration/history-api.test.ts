import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as historyRoute } from '@/app/api/history/route';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { GET as workerStatusRoute } from '@/app/api/worker/status/route';
import { getFleet } from '@/lib/fleet/topology';
import { samplingSlot } from '@/lib/jobs/slots';
import { sampleShard } from '@/lib/history/sample-shard';
import { CONSOLE_HOST, sessionCookie } from './console-requests';

/** The history, worker-status and Prometheus routes through their real guards. */

const noParams = { params: Promise.resolve({}) };

function get(path: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(`http://${CONSOLE_HOST}${path}`, { headers: { host: CONSOLE_HOST, ...headers } });
}

const asViewer = (path: string) => get(path, { cookie: sessionCookie('viewer') });

describe('history API routes', () => {
  beforeAll(async () => {
    // One round at the current slot: what "latest sample" and "last sample N s ago" read.
    const at = samplingSlot(new Date(), 2);
    for (const shard of getFleet().shards) await sampleShard(shard, at, 'it-api');
  });

  it('answers the documented shape for a fleet-wide metric', async () => {
    const response = await historyRoute(asViewer('/api/history?metric=connections_pct&range=1h'), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ metric: 'connections_pct', unit: '%', stepSeconds: 10, source: 'raw' });
    expect(body.series.map((series: { key: string }) => series.key)).toEqual(['shard-1', 'shard-2']);
    const last = body.series[0].points.filter((point: { value: number | null }) => point.value !== null).at(-1);
    expect(last.value).toBeGreaterThan(0);
    expect(Object.keys(body.series[0].points[0]).sort()).toEqual(['at', 'value']);
  });

  it('answers 400 naming the field for an unknown metric, range or a bad tenant id, and 401 without a session', async () => {
    const cases: [string, string][] = [
      ['/api/history?metric=bogus', 'metric'],
      ['/api/history?range=1h', 'metric'],
      ['/api/history?metric=tps&range=2d', 'range'],
      ['/api/history?metric=tenant_sessions&tenantId=not-a-uuid', 'tenantId'],
      ['/api/history?metric=tps&shardId=shard-9', 'shardId'],
    ];
    for (const [path, field] of cases) {
      const response = await historyRoute(asViewer(path), noParams);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.field, path).toBe(field);
    }
    expect((await historyRoute(get('/api/history?metric=tps'), noParams)).status).toBe(401);
  });

  it('says when the last sample was taken', async () => {
    const response = await workerStatusRoute(asViewer('/api/worker/status'), noParams);
    const body = await response.json();
    expect(body.state).toBe('ok');
    expect(body.message).toMatch(/^worker: last sample \d+ s ago/);
  });

  it('serves Prometheus exposition only with the bearer token', async () => {
    expect((await metricsRoute(get('/api/metrics'))).status).toBe(401);
    expect((await metricsRoute(get('/api/metrics', { authorization: 'Bearer wrong-token-wrong-token' }))).status).toBe(401);

    const response = await metricsRoute(get('/api/metrics', { authorization: `Bearer ${process.env.SHARDSCOPE_METRICS_TOKEN}` }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^# TYPE shardscope_node_up gauge$/m);
    expect(text).toMatch(/^shardscope_node_up\{shard="shard-1",node="shard-1-primary",role="primary"\} 1$/m);
    expect(text).toMatch(/^# TYPE shardscope_node_xact_commit_total counter$/m);
    expect(text).toMatch(/^shardscope_pool_clients_waiting\{shard="shard-1",pool="app\/app"\} \d+$/m);
    expect(text).toMatch(/^shardscope_history_up 1$/m);
    expect(text).toMatch(/^shardscope_last_sample_age_seconds \d/m);
    expect(text).toMatch(/^shardscope_console_process_cpu_seconds_total /m);
  });
});
