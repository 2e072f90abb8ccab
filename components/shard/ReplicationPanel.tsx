'use client';

import type { ReplicaSelfView, ReplicationSlot, StandbyFromPrimary } from '@/lib/monitor/replication-types';
import { useShardReplicationQuery } from '@/lib/queries/shards/shard-replication-query';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import { formatBytes, formatSeconds } from '@/lib/format';
import { NodeDownNotice } from './NodeDownNotice';

const VERDICT_TONE: Record<string, BadgeTone> = { healthy: 'ok', lagging: 'warn', failed: 'bad' };

function StandbysTable({ standbys }: { standbys: StandbyFromPrimary[] }) {
  if (standbys.length === 0) return <p className="warn-text">No standby is connected to the primary.</p>;
  return (
    <table data-testid="standbys">
      <thead>
        <tr>
          <th>Standby</th>
          <th>State</th>
          <th>Sync</th>
          <th>Sent / write / flush / replay LSN</th>
          <th className="num">Replay lag</th>
          <th className="num">Write / flush / replay time</th>
          <th>Last reply</th>
        </tr>
      </thead>
      <tbody>
        {standbys.map((standby) => (
          <tr key={standby.applicationName}>
            <td className="mono">{standby.nodeId ?? `${standby.applicationName} (not in fleet file)`}</td>
            <td>{standby.state}</td>
            <td>{standby.syncState}</td>
            <td className="mono">
              {standby.sentLsn} / {standby.writeLsn} / {standby.flushLsn} / {standby.replayLsn}
            </td>
            <td className="num">{formatBytes(standby.replayLagBytes)}</td>
            <td className="num">
              {formatSeconds(standby.writeLagSeconds)} / {formatSeconds(standby.flushLagSeconds)} / {formatSeconds(standby.replayLagSeconds)}
            </td>
            <td>{standby.replyTime ? new Date(standby.replyTime).toLocaleTimeString() : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReplicasTable({ replicas }: { replicas: ReplicaSelfView[] }) {
  return (
    <table data-testid="replicas">
      <thead>
        <tr>
          <th>Replica</th>
          <th>Receiver</th>
          <th>Receive / replay LSN</th>
          <th className="num">Lag</th>
          <th className="num">Lag time</th>
          <th>Replay</th>
          <th>Last replayed commit</th>
          <th>Read routing</th>
        </tr>
      </thead>
      <tbody>
        {replicas.map((replica) =>
          replica.up ? (
            <tr key={replica.nodeId} data-testid="replica-row" data-node-id={replica.nodeId} data-verdict={replica.readRouting}>
              <td className="mono">{replica.nodeId}</td>
              <td>{replica.walReceiverStatus ?? <StatusBadge tone="bad">not receiving</StatusBadge>}</td>
              <td className="mono">
                {replica.receiveLsn ?? '—'} / {replica.replayLsn ?? '—'}
              </td>
              <td className="num" data-testid="replica-lag-bytes">{formatBytes(replica.lagBytes)}</td>
              <td className="num">{formatSeconds(replica.lagSeconds)}</td>
              <td>{replica.replayPauseState === 'not paused' ? 'running' : <StatusBadge tone="warn">{replica.replayPauseState}</StatusBadge>}</td>
              <td>{replica.lastReplayAt ? new Date(replica.lastReplayAt).toLocaleTimeString() : '—'}</td>
              <td>
                <StatusBadge tone={VERDICT_TONE[replica.readRouting]}>{replica.readRouting}</StatusBadge>
              </td>
            </tr>
          ) : (
            <tr key={replica.nodeId} data-testid="replica-row" data-node-id={replica.nodeId} data-verdict="failed">
              <td className="mono">{replica.nodeId}</td>
              <td colSpan={7}>
                <StatusBadge tone="bad">down</StatusBadge> <span className="subtle">{replica.error}</span>
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function SlotsTable({ slots }: { slots: ReplicationSlot[] }) {
  if (slots.length === 0) return <p className="subtle">No replication slots.</p>;
  return (
    <table data-testid="slots">
      <thead>
        <tr>
          <th>Slot</th>
          <th>Type</th>
          <th>Active</th>
          <th>WAL status</th>
          <th className="num">Retained WAL</th>
        </tr>
      </thead>
      <tbody>
        {slots.map((slot) => (
          <tr key={slot.slotName} data-testid="slot-row" data-danger={slot.danger}>
            <td className="mono">{slot.slotName}</td>
            <td>
              {slot.slotType}
              {slot.database ? ` (${slot.database})` : ''}
            </td>
            <td>{slot.active ? `yes (pid ${slot.activePid})` : <StatusBadge tone="bad">inactive</StatusBadge>}</td>
            <td>{slot.walStatus ?? '—'}</td>
            <td className="num">
              {formatBytes(slot.retainedBytes)}
              {slot.danger ? <span className="field-error"> retains WAL: will fill the disk</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReplicationPanel({ shardId }: { shardId: string }) {
  const { data, error, isPending } = useShardReplicationQuery(shardId);
  return (
    <section className="card panel" data-testid="panel-replication">
      <header>
        <h2>Replication</h2>
        {data ? <span className="subtle">read routing: healthy while streaming and under {data.lagThresholdSeconds} s behind</span> : null}
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="replication" error={error} /> : null}
      {data ? (
        <>
          <h4>Seen from the primary</h4>
          {data.primary.up ? (
            <>
              <p className="subtle">
                <span className="mono">{data.primary.nodeId}</span> at LSN <span className="mono">{data.primary.currentLsn}</span>
              </p>
              <StandbysTable standbys={data.primary.standbys} />
              <h4>Replication slots</h4>
              <SlotsTable slots={data.primary.slots} />
            </>
          ) : (
            <NodeDownNotice nodeId={data.primary.nodeId} error={data.primary.error} />
          )}
          <h4>Seen from the replicas</h4>
          <ReplicasTable replicas={data.replicas} />
        </>
      ) : null}
    </section>
  );
}
