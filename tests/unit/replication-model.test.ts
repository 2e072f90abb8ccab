import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import {
  assembleShardReplication,
  chooseReadTarget,
  isSlotDangerous,
  readTargetCandidates,
  toSlot,
  type PrimaryProbe,
  type ReplicaProbe,
  type ReplicaSelfRow,
  type SlotRow,
  type StandbyRow,
} from '@/lib/monitor/replication-model';
import type { ReadTargetCandidate, ReplicaSelfView } from '@/lib/monitor/replication-types';

const shard: ShardConfig = {
  id: 'shard-1',
  adminUrl: 'postgres://a:pw@h/app',
  nodes: [
    { id: 'shard-1-primary', role: 'primary', url: 'postgres://m:pw@h:1/app' },
    { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://m:pw@h:2/app' },
    { id: 'shard-1-replica-2', role: 'replica', url: 'postgres://m:pw@h:3/app' },
  ],
};
const thresholds = { seconds: 1, bytes: 16 * 1024 * 1024 };

function standbyRow(applicationName: string, overrides: Partial<StandbyRow> = {}): StandbyRow {
  return {
    application_name: applicationName,
    client_addr: '127.0.0.1',
    state: 'streaming',
    sync_state: 'async',
    sent_lsn: '0/3000060',
    write_lsn: '0/3000060',
    flush_lsn: '0/3000060',
    replay_lsn: '0/3000060',
    sent_lag_bytes: 0,
    write_lag_bytes: 0,
    flush_lag_bytes: 0,
    replay_lag_bytes: 0,
    write_lag_seconds: null,
    flush_lag_seconds: null,
    replay_lag_seconds: null,
    reply_time: new Date('2026-11-22T10:00:00Z'),
    ...overrides,
  };
}

function selfRow(overrides: Partial<ReplicaSelfRow> = {}): ReplicaSelfRow {
  return {
    receive_lsn: '0/3000060',
    replay_lsn: '0/3000060',
    received_not_replayed_bytes: 0,
    replay_pause_state: 'not paused',
    last_replay_at: new Date('2026-11-22T09:00:00Z'),
    last_replay_age_seconds: 3600,
    wal_receiver_status: 'streaming',
    last_msg_receipt_time: new Date('2026-11-22T10:00:00Z'),
    ...overrides,
  };
}

const physicalSlot: SlotRow = {
  slot_name: 'shard_1_replica_1',
  slot_type: 'physical',
  database: null,
  active: true,
  active_pid: 4242,
  wal_status: 'reserved',
  restart_lsn: '0/3000060',
  retained_bytes: 0,
};

const primaryUp: PrimaryProbe = {
  up: true,
  currentLsn: '0/3000060',
  standbys: [standbyRow('shard-1-replica-1'), standbyRow('shard-1-replica-2'), standbyRow('pg_basebackup', { state: 'backup' })],
  slots: [physicalSlot],
};

function replicas(first: ReplicaProbe, second: ReplicaProbe = { up: true, self: selfRow() }): Map<string, ReplicaProbe> {
  return new Map([
    ['shard-1-replica-1', first],
    ['shard-1-replica-2', second],
  ]);
}

function assemble(primary: PrimaryProbe, replicaProbes: Map<string, ReplicaProbe>) {
  return assembleShardReplication({
    shard,
    primaryNodeId: 'shard-1-primary',
    primary,
    replicas: replicaProbes,
    thresholds,
    generatedAt: '2026-11-22T10:00:01.000Z',
  });
}

function replica(view: ReplicaSelfView[], nodeId: string) {
  const found = view.find((entry) => entry.nodeId === nodeId);
  if (!found?.up) throw new Error(`${nodeId} is not up in the view`);
  return found;
}

describe('assembleShardReplication', () => {
  it('names standbys by fleet node id and leaves an unknown sender unnamed', () => {
    const view = assemble(primaryUp, replicas({ up: true, self: selfRow() }));
    if (!view.primary.up) throw new Error('primary should be up');
    expect(view.primary.standbys.map((standby) => [standby.applicationName, standby.nodeId])).toEqual([
      ['shard-1-replica-1', 'shard-1-replica-1'],
      ['shard-1-replica-2', 'shard-1-replica-2'],
      ['pg_basebackup', null],
    ]);
    expect(view.primary.standbys[0].replyTime).toBe('2026-11-22T10:00:00.000Z');
  });

  it('shows a caught-up replica of an idle primary as 0 bytes, 0 s and healthy', () => {
    const view = assemble(primaryUp, replicas({ up: true, self: selfRow() }));
    expect(replica(view.replicas, 'shard-1-replica-1')).toMatchObject({
      lagBytes: 0,
      lagSeconds: 0,
      readRouting: 'healthy',
      replayPauseState: 'not paused',
      lastReplayAt: '2026-11-22T09:00:00.000Z',
    });
  });

  it('marks a paused replica lagging by the age of its last replayed commit while the primary writes', () => {
    const primary: PrimaryProbe = {
      ...primaryUp,
      currentLsn: '0/5000000',
      standbys: [standbyRow('shard-1-replica-1', { replay_lsn: '0/3000000', replay_lag_seconds: 0.002 })],
    };
    const view = assemble(
      primary,
      replicas({ up: true, self: selfRow({ replay_lsn: '0/3000000', replay_pause_state: 'paused', last_replay_age_seconds: 42 }) }),
    );
    expect(replica(view.replicas, 'shard-1-replica-1')).toMatchObject({ lagBytes: 0x2000000, lagSeconds: 42, readRouting: 'lagging' });
  });

  it('treats a requested pause like a pause: the primary\'s stale replay-lag figure is not trusted', () => {
    const primary: PrimaryProbe = {
      ...primaryUp,
      currentLsn: '0/3001000',
      standbys: [standbyRow('shard-1-replica-1', { replay_lsn: '0/3000000', replay_lag_seconds: 0.002 })],
    };
    const view = assemble(primary, replicas({ up: true, self: selfRow({ replay_pause_state: 'pause requested', last_replay_age_seconds: 30 }) }));
    expect(replica(view.replicas, 'shard-1-replica-1')).toMatchObject({ lagSeconds: 30, readRouting: 'lagging' });
  });

  it('fails a replica whose WAL receiver is gone while the primary has moved on, though it looks caught up to itself', () => {
    const primary: PrimaryProbe = { ...primaryUp, currentLsn: '0/3000100', standbys: [standbyRow('shard-1-replica-2')] };
    const view = assemble(primary, replicas({ up: true, self: selfRow({ wal_receiver_status: null, received_not_replayed_bytes: 0 }) }));
    expect(replica(view.replicas, 'shard-1-replica-1')).toMatchObject({ walReceiverStatus: null, lagBytes: 0xa0, readRouting: 'failed' });
  });

  it('keeps each replica\'s self view when the primary is down, with lag unknown and reads not routed to it', () => {
    const view = assemble({ up: false, error: 'connection refused' }, replicas({ up: true, self: selfRow({ wal_receiver_status: null }) }));
    expect(view.primary).toEqual({ nodeId: 'shard-1-primary', up: false, error: 'connection refused' });
    expect(replica(view.replicas, 'shard-1-replica-1')).toMatchObject({ replayLsn: '0/3000060', lagBytes: null, lagSeconds: null, readRouting: 'failed' });
  });

  it('reports a down replica with its reason and keeps the others', () => {
    const view = assemble(primaryUp, replicas({ up: false, error: 'timed out' }));
    expect(view.replicas[0]).toEqual({ nodeId: 'shard-1-replica-1', up: false, error: 'timed out' });
    expect(replica(view.replicas, 'shard-1-replica-2').readRouting).toBe('healthy');
  });
});

describe('replication slots', () => {
  it('flags an inactive slot that retains WAL', () => {
    expect(toSlot({ ...physicalSlot, active: false, active_pid: null, retained_bytes: 8192 })).toMatchObject({ active: false, danger: true });
  });

  it('does not flag an active slot, whatever it retains', () => {
    expect(toSlot({ ...physicalSlot, retained_bytes: 512 * 1024 * 1024, wal_status: 'extended' }).danger).toBe(false);
  });

  it('does not flag an inactive slot that reserved no WAL', () => {
    expect(toSlot({ ...physicalSlot, active: false, active_pid: null, restart_lsn: null, retained_bytes: null, wal_status: null }).danger).toBe(false);
  });

  it('flags an inactive slot past max_wal_size or already invalidated', () => {
    for (const walStatus of ['extended', 'unreserved', 'lost']) {
      expect(isSlotDangerous({ active: false, retainedBytes: null, walStatus })).toBe(true);
    }
    expect(isSlotDangerous({ active: false, retainedBytes: 0, walStatus: 'reserved' })).toBe(false);
  });

  it('keeps a logical slot\'s database and type', () => {
    expect(toSlot({ ...physicalSlot, slot_name: 'move_t1', slot_type: 'logical', database: 'app' })).toMatchObject({
      slotType: 'logical',
      database: 'app',
    });
  });
});

describe('chooseReadTarget', () => {
  const healthy = (nodeId: string, lagBytes: number, lagSeconds: number): ReadTargetCandidate => ({ nodeId, verdict: 'healthy', lagBytes, lagSeconds });
  const base = { primaryNodeId: 'shard-1-primary', primaryUp: true, thresholdSeconds: 1 };

  it('picks the healthy replica with the least byte lag, then the least time lag', () => {
    const choice = chooseReadTarget({
      ...base,
      candidates: [healthy('r-a', 4096, 0.01), healthy('r-b', 0, 0.3), healthy('r-c', 0, 0.05)],
    });
    expect(choice).toEqual({ nodeId: 'r-c', role: 'replica', reason: 'r-c: streaming, 0 B / 50 ms behind' });
  });

  it('prefers a healthy replica over a less lagging one that is not healthy', () => {
    const choice = chooseReadTarget({
      ...base,
      candidates: [{ nodeId: 'r-a', verdict: 'failed', lagBytes: 0, lagSeconds: 0 }, healthy('r-b', 2048, 0.2)],
    });
    expect(choice).toMatchObject({ nodeId: 'r-b', role: 'replica', reason: 'r-b: streaming, 2.0 KiB / 200 ms behind' });
  });

  it('falls back to the primary when every replica is lagging or failed, and says which', () => {
    const choice = chooseReadTarget({
      ...base,
      candidates: [
        { nodeId: 'r-a', verdict: 'lagging', lagBytes: 1 << 20, lagSeconds: 12 },
        { nodeId: 'r-b', verdict: 'failed', lagBytes: null, lagSeconds: null },
      ],
    });
    expect(choice).toEqual({
      nodeId: 'shard-1-primary',
      role: 'primary',
      reason: 'no replica under 1 s: reads go to the primary (r-a lagging, r-b failed)',
    });
  });

  it('ignores down replicas', () => {
    const candidates = readTargetCandidates([
      { nodeId: 'r-down', up: false, error: 'connection refused' },
      replica(assemble(primaryUp, replicas({ up: true, self: selfRow() })).replicas, 'shard-1-replica-1'),
    ]);
    expect(candidates[0]).toEqual({ nodeId: 'r-down', verdict: 'failed', lagBytes: null, lagSeconds: null });
    expect(chooseReadTarget({ ...base, candidates })).toMatchObject({ nodeId: 'shard-1-replica-1', role: 'replica' });
  });

  it('sends reads to the primary of a shard without replicas, and says when the primary is down too', () => {
    expect(chooseReadTarget({ ...base, candidates: [] }).reason).toBe('no replica under 1 s: reads go to the primary (the shard has no replica)');
    expect(chooseReadTarget({ ...base, primaryUp: false, candidates: [] }).reason).toMatch(/shard-1-primary is down too$/);
  });
});
