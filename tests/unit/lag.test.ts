import { describe, expect, it } from 'vitest';
import { computeReplicaLag, readRoutingVerdict } from '@/lib/monitor/lag';

const caughtUp = { replayLsn: '0/3000060', lastReplayAgeSeconds: 3600, replayPaused: false };

describe('computeReplicaLag', () => {
  it('shows no lag on an idle primary even when the last replayed commit is an hour old', () => {
    const lag = computeReplicaLag({
      primaryCurrentLsn: '0/3000060',
      primaryView: { replayLsn: '0/3000060', replayLagSeconds: null },
      replicaView: caughtUp,
    });
    expect(lag).toEqual({ lagBytes: 0, lagSeconds: 0 });
  });

  it('counts the bytes of WAL the replica has not replayed, across a 4 GiB LSN boundary', () => {
    const lag = computeReplicaLag({
      primaryCurrentLsn: '1/00000010',
      primaryView: { replayLsn: '0/FFFFFFF0', replayLagSeconds: 0.25 },
      replicaView: { ...caughtUp, replayLsn: '0/FFFFFFF0' },
    });
    expect(lag).toEqual({ lagBytes: 32, lagSeconds: 0.25 });
  });

  it('uses the age of the last replayed commit when replay is paused with WAL pending', () => {
    const lag = computeReplicaLag({
      primaryCurrentLsn: '0/5000000',
      primaryView: { replayLsn: '0/3000000', replayLagSeconds: 0.01 },
      replicaView: { replayLsn: '0/3000000', lastReplayAgeSeconds: 42, replayPaused: true },
    });
    expect(lag).toEqual({ lagBytes: 0x2000000, lagSeconds: 42 });
  });

  it('flags a replica that stopped streaming from its own replay position', () => {
    const lag = computeReplicaLag({
      primaryCurrentLsn: '0/5000000',
      primaryView: null,
      replicaView: { replayLsn: '0/4000000', lastReplayAgeSeconds: 90, replayPaused: false },
    });
    expect(lag).toEqual({ lagBytes: 0x1000000, lagSeconds: 90 });
  });

  it('never reports negative lag when the replica was sampled after the primary', () => {
    const lag = computeReplicaLag({ primaryCurrentLsn: '0/100', primaryView: null, replicaView: { ...caughtUp, replayLsn: '0/200' } });
    expect(lag.lagBytes).toBe(0);
  });

  it('cannot know the lag while the primary is unreachable', () => {
    expect(computeReplicaLag({ primaryCurrentLsn: null, primaryView: null, replicaView: caughtUp })).toEqual({ lagBytes: null, lagSeconds: null });
  });
});

describe('readRoutingVerdict', () => {
  const fresh = { lagBytes: 0, lagSeconds: 0 };
  it('routes reads to a connected replica under the threshold', () => {
    expect(readRoutingVerdict({ up: true, streaming: true, lag: fresh }, 1, 1e6)).toBe('healthy');
  });
  it('calls a replica at or over the time threshold lagging', () => {
    expect(readRoutingVerdict({ up: true, streaming: true, lag: { lagBytes: 10, lagSeconds: 1 } }, 1, 1e6)).toBe('lagging');
  });
  it('calls a replica over the byte threshold lagging', () => {
    expect(readRoutingVerdict({ up: true, streaming: true, lag: { lagBytes: 2e6, lagSeconds: 0.1 } }, 1, 1e6)).toBe('lagging');
  });
  it('fails a replica that is down or not streaming', () => {
    expect(readRoutingVerdict({ up: false, streaming: false, lag: fresh }, 1, 1e6)).toBe('failed');
    expect(readRoutingVerdict({ up: true, streaming: false, lag: fresh }, 1, 1e6)).toBe('failed');
  });
});
