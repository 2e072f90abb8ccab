import Link from 'next/link';
import type { TenantMoveView } from '@/lib/rebalance/move-api';
import { CancelMoveButton } from './CancelMoveButton';
import { MoveProgress } from './MoveProgress';
import { formatDuration, PHASE_LABELS, STATUS_LABELS, statusTone } from './move-view';
import { PhaseSteps } from './PhaseSteps';
import { VerificationTable } from './VerificationTable';
import { WriteBlockTimer } from './WriteBlockTimer';
import './moves.css';

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
        <WriteBlockTimer phase={move.phase} status={move.status} writeBlockMs={move.writeBlockMs} observedAt={observedAt} />
        {move.phase === 'catch_up' && move.status === 'running' ? <span className="subtle">catching up with writes made during the copy</span> : null}
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
