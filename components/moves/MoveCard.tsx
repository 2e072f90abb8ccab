import Link from 'next/link';
import { formatBytes } from '@/lib/format';
import type { TenantMoveView } from '@/lib/rebalance/move-read';
import { CancelMoveButton } from './CancelMoveButton';
import { MoveProgress } from './MoveProgress';
import { formatDuration, PHASE_LABELS, STATUS_LABELS, statusTone } from './move-view';
import { PhaseSteps } from './PhaseSteps';
import { VerificationTable } from './VerificationTable';
import { WriteBlockTimer } from './WriteBlockTimer';
import './moves.css';

/** While a logical move streams: how far the target trails the source, or that the source did not say. */
function ReplicationLag({ move }: { move: TenantMoveView }) {
  if (move.status !== 'running' || move.strategy !== 'logical' || (move.phase !== 'copy' && move.phase !== 'catch_up')) return null;
  return (
    <span className="subtle" data-testid="replication-lag" data-bytes={move.replicationLagBytes ?? ''}>
      {move.phase === 'catch_up' ? 'catching up with writes made during the copy: ' : ''}
      replication lag {move.replicationLagBytes === null ? 'unknown (the source did not answer)' : formatBytes(move.replicationLagBytes)}
    </span>
  );
}

/** One move: who moves where, its phase and status, progress, write block, verification, error and (admins) Cancel. */
export function MoveCard({ move, canAdminister, observedAt }: { move: TenantMoveView; canAdminister: boolean; observedAt: number }) {
  return (
    <section className="card move-card" data-testid="move" data-move-id={move.id} data-status={move.status} data-phase={move.phase} data-tenant-id={move.tenantId}>
      <div className="move-head">
        <strong>
          <Link href={`/tenants/${encodeURIComponent(move.tenantId)}`}>{move.tenantName}</Link>
        </strong>
        <span className="mono" data-testid="move-route">
          {move.sourceShardId} → {move.targetShardId}
        </span>
        <span className={`badge ${statusTone(move.status)}`} data-testid="move-status">
          {STATUS_LABELS[move.status]}
        </span>
        <span className="subtle">
          {move.status === 'running' ? `${PHASE_LABELS[move.phase]} · ` : ''}
          {move.startedAt ? `took ${formatDuration(move.startedAt, move.finishedAt, observedAt)}` : `queued by ${move.startedBy}`}
        </span>
        {canAdminister ? (
          <CancelMoveButton
            moveId={move.id}
            tenantName={move.tenantName}
            strategy={move.strategy}
            phase={move.phase}
            status={move.status}
            cancelRequested={move.cancelRequestedAt !== null}
          />
        ) : null}
      </div>
      <PhaseSteps strategy={move.strategy} phase={move.phase} status={move.status} />
      <MoveProgress bytesCopied={move.bytesCopied} bytesTotal={move.bytesTotal} rowsCopied={move.rowsCopied} />
      <div className="move-facts">
        <WriteBlockTimer phase={move.phase} status={move.status} writeBlockMs={move.writeBlockMs} fencedAt={move.fencedAt} observedAt={observedAt} />
        <ReplicationLag move={move} />
      </div>
      {move.error ? (
        <p className="move-error" role="alert" data-testid="move-error">
          {move.status === 'rolled_back' ? 'Rolled back: ' : 'Failed: '}
          {move.error}
        </p>
      ) : null}
      <VerificationTable verification={move.verification} />
    </section>
  );
}
