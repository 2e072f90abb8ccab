import { NextRequest } from 'next/server';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as getReadTargetRoute } from '@/app/api/shards/[shardId]/read-target/route';
import { GET as getReplicationRoute } from '@/app/api/shards/[shardId]/replication/route';
import { getFleet } from '@/lib/fleet/topology';
import { getReadTarget } from '@/lib/monitor/read-target';
import { collectShardReplication } from '@/lib/monitor/replication';
import type { ReplicationSlot, ShardReplication } from '@/lib/monitor/replication-types';
import { sessionCookie } from './console-requests';
import { eventually, nodePort, sandbox, withSuperuser } from './sandbox';

const shard = (index: number) => getFleet().shards[index - 1];

function replicaOf(view: ShardReplication, nodeId: string) {
  const replica = view.replicas.find((entry) => entry.nodeId === nodeId);
  if (!replica?.up) throw new Error(`${nodeId} is not up: ${JSON.stringify(replica)}`);
  return replica;
}

function slotOf(view: ShardReplication, slotName: string): ReplicationSlot {
  if (!view.primary.up) throw new Error(`primary down: ${view.primary.error}`);
  const slot = view.primary.slots.find((entry) => entry.slotName === slotName);
  if (!slot) throw new Error(`no slot ${slotName}`);
  return slot;
}

async function writeOnPrimary(shardNumber: number, kilobytes: number): Promise<void> {
  await withSuperuser(nodePort(shardNumber, 'primary'), async (client) => {
    await client.query('create table if not exists it_replication_probe (id bigserial primary key, filler text)');
    await client.query('insert into it_replication_probe (filler) select repeat(md5(g::text), 32) from generate_series(1, $1) g', [kilobytes]);
  });
}

const resumeReplay = () => withSuperuser(nodePort(1, 'replica'), (client) => client.query('select pg_wal_replay_resume()'));

describe('shard replication against the sandbox fleet', () => {
  afterAll(async () => {
    // Leave the fleet as found even when a test failed half-way.
    await resumeReplay().catch(() => {});
    await withSuperuser(nodePort(1, 'primary'), (client) =>
      client.query(`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'it_inactive_slot'`),
    ).catch(() => {});
    sandbox('start-node', 'shard-2-primary');
  });

  it('lists standbys seen from the primary under their fleet node id, with their active slot not in danger', async () => {
    const view = await collectShardReplication(shard(1));
    if (!view.primary.up) throw new Error(view.primary.error);
    expect(view.primary.nodeId).toBe('shard-1-primary');
    expect(view.primary.currentLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(view.primary.standbys).toEqual([
      expect.objectContaining({ applicationName: 'shard-1-replica-1', nodeId: 'shard-1-replica-1', state: 'streaming', clientAddr: '127.0.0.1' }),
    ]);
    expect(slotOf(view, 'shard_1_replica_1')).toMatchObject({ slotType: 'physical', active: true, danger: false });
    expect(replicaOf(view, 'shard-1-replica-1')).toMatchObject({ walReceiverStatus: 'streaming', replayPauseState: 'not paused' });
  });

  it('shows rising byte lag on a paused replica while the primary writes, stops routing reads to it, and recovers after resume', async () => {
    const replicaId = 'shard-1-replica-1';
    await writeOnPrimary(1, 1);
    await eventually(() => collectShardReplication(shard(1)), (view) => replicaOf(view, replicaId).lagBytes === 0);
    await withSuperuser(nodePort(1, 'replica'), (client) => client.query('select pg_wal_replay_pause()'));
    try {
      await eventually(() => collectShardReplication(shard(1)), (view) => replicaOf(view, replicaId).replayPauseState === 'paused');
      await writeOnPrimary(1, 256);
      const first = replicaOf(await collectShardReplication(shard(1)), replicaId);
      await writeOnPrimary(1, 256);
      const second = replicaOf(await collectShardReplication(shard(1)), replicaId);

      expect(first.lagBytes).toBeGreaterThan(256 * 1024);
      expect(second.lagBytes).toBeGreaterThan(first.lagBytes!);
      // Still streaming (the receiver keeps receiving), only replay stopped.
      expect(second.walReceiverStatus).toBe('streaming');
      expect(second.receivedNotReplayedBytes).toBeGreaterThan(256 * 1024);
      // Lag time is the age of the last replayed commit: past 1 s it is no read target.
      const lagging = await eventually(() => collectShardReplication(shard(1)), (view) => replicaOf(view, replicaId).readRouting !== 'healthy');
      expect(replicaOf(lagging, replicaId)).toMatchObject({ readRouting: 'lagging', replayPauseState: 'paused' });
      const target = await eventually(() => getReadTarget(shard(1)), (next) => next.target.role === 'primary');
      expect(target).toMatchObject({
        target: { nodeId: 'shard-1-primary', host: '127.0.0.1', port: nodePort(1, 'primary'), database: 'app' },
        reason: 'no replica under 1 s: reads go to the primary (shard-1-replica-1 lagging)',
        candidates: [expect.objectContaining({ nodeId: replicaId, verdict: 'lagging' })],
      });
    } finally {
      await resumeReplay();
    }
    const resumed = await eventually(() => collectShardReplication(shard(1)), (view) => replicaOf(view, replicaId).lagBytes === 0);
    expect(replicaOf(resumed, replicaId)).toMatchObject({ lagSeconds: 0, readRouting: 'healthy', replayPauseState: 'not paused' });
    const target = await eventually(() => getReadTarget(shard(1)), (next) => next.target.role === 'replica');
    expect(target.target).toEqual({ nodeId: replicaId, role: 'replica', host: '127.0.0.1', port: nodePort(1, 'replica'), database: 'app' });
    expect(target.reason).toMatch(/^shard-1-replica-1: streaming, 0 B \/ 0 ms behind$/);
  });

  it('flags an inactive physical slot whose retained WAL grows while the primary writes', async () => {
    await withSuperuser(nodePort(1, 'primary'), (client) => client.query(`select pg_create_physical_replication_slot('it_inactive_slot', true)`));
    try {
      await writeOnPrimary(1, 256);
      const first = slotOf(await collectShardReplication(shard(1)), 'it_inactive_slot');
      await writeOnPrimary(1, 256);
      const second = slotOf(await collectShardReplication(shard(1)), 'it_inactive_slot');

      expect(first).toMatchObject({ slotType: 'physical', active: false, activePid: null, danger: true });
      expect(first.retainedBytes).toBeGreaterThan(256 * 1024);
      expect(second.retainedBytes).toBeGreaterThan(first.retainedBytes! + 200 * 1024);
    } finally {
      await withSuperuser(nodePort(1, 'primary'), (client) => client.query(`select pg_drop_replication_slot('it_inactive_slot')`));
    }
  });

  it('keeps reporting a replica whose primary is gone, never as a read target, and sees it stream again after the primary returns', async () => {
    const replicaId = 'shard-2-replica-1';
    sandbox('stop-node', 'shard-2-primary');
    try {
      const view = await eventually(
        () => collectShardReplication(shard(2)),
        (next) => !next.primary.up && replicaOf(next, replicaId).walReceiverStatus !== 'streaming',
      );
      expect(view.primary).toMatchObject({ nodeId: 'shard-2-primary', up: false, error: expect.stringMatching(/connection (refused|lost)/) });
      expect(replicaOf(view, replicaId)).toMatchObject({ replayLsn: expect.any(String), lagBytes: null, readRouting: 'failed' });

      const target = await eventually(() => getReadTarget(shard(2)), (next) => next.candidates[0]?.verdict === 'failed');
      expect(target.target).toMatchObject({ nodeId: 'shard-2-primary', role: 'primary' });
      expect(target.reason).toBe('no replica under 1 s: reads go to the primary (shard-2-replica-1 failed); shard-2-primary is down too');
    } finally {
      sandbox('start-node', 'shard-2-primary');
    }
    const recovered = await eventually(
      () => collectShardReplication(shard(2)),
      (next) => next.primary.up && replicaOf(next, replicaId).walReceiverStatus === 'streaming' && replicaOf(next, replicaId).readRouting === 'healthy',
      30_000,
    );
    expect(recovered.primary.up && recovered.primary.standbys.map((standby) => standby.nodeId)).toEqual([replicaId]);
  });
});

describe('replication and read-target routes', () => {
  function signedInRequest(path: string): NextRequest {
    return new NextRequest(`http://localhost${path}`, { headers: { cookie: sessionCookie('viewer') } });
  }
  const context = (shardId: string) => ({ params: Promise.resolve({ shardId }) });

  it('answers 404 naming shardId for a shard not in the fleet file', async () => {
    const response = await getReplicationRoute(signedInRequest('/api/shards/shard-9/replication'), context('shard-9'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no shard "shard-9" in the fleet', field: 'shardId' } });
  });

  it('needs a session', async () => {
    const response = await getReplicationRoute(new NextRequest('http://localhost/api/shards/shard-1/replication'), context('shard-1'));
    expect(response.status).toBe(401);
  });

  it('names where reads go without the monitoring credentials', async () => {
    const response = await getReadTargetRoute(signedInRequest('/api/shards/shard-1/read-target'), context('shard-1'));
    expect(response.status).toBe(200);
    const body = await response.text();
    const password = /:\/\/[^:]+:([^@]+)@/.exec(shard(1).nodes[0].url)![1];
    expect(body).not.toContain(password);
    expect(body).not.toContain('shardscope_monitor');
    expect(JSON.parse(body)).toMatchObject({ shardId: 'shard-1', target: { host: '127.0.0.1', database: 'app' } });
  });
});
