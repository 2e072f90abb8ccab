import type { MovePhase, MoveStatus, MoveStrategy } from '@/lib/rebalance/move-model';
import { PHASE_LABELS, phaseSteps } from './move-view';

/** The protocol's phases in order, each done, current or to come; a rollback says so beside them. */
export function PhaseSteps({ strategy, phase, status }: { strategy: MoveStrategy; phase: MovePhase; status: MoveStatus }) {
  const steps = phaseSteps(strategy, phase, status);
  return (
    <ol className="phase-steps" data-testid="move-phases" data-phase={phase} aria-label="move phases">
      {steps.map((step) => (
        <li key={step.phase} data-state={step.state} data-testid="move-phase-step" aria-current={step.state === 'current' ? 'step' : undefined}>
          {PHASE_LABELS[step.phase]}
        </li>
      ))}
      {phase === 'rollback' ? <li data-state="current">{PHASE_LABELS.rollback}</li> : null}
    </ol>
  );
}
